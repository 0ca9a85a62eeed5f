package io.enginex.edge.server.dashboard;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A small time-series chart as inline SVG, drawn on the server from numbers only.
 *
 * <p>Why not a JavaScript chart library: the ops console must work under the dashboard's strict
 * Content-Security-Policy, with no build step and nothing fetched at run time; its charts change
 * once per ten-second bucket and arrive through the same server-sent-event swap as every other live
 * fragment, so the server can simply draw them again. An SVG of a few hundred points is a few
 * kilobytes, scales to any width ({@code preserveAspectRatio="none"}), and is readable by screen
 * readers through its label. Colours are presentation attributes, not {@code style}, which the CSP
 * forbids.
 *
 * <p>Only numbers and fixed strings reach the output, and the label is escaped, so the result may be
 * written unescaped into a page. Stateless.
 */
final class SvgChart {
    /** The drawing's height in SVG units; the width is one unit per point. */
    static final int HEIGHT = 100;

    private SvgChart() {}

    /**
     * One line (or set of bars) in a chart.
     *
     * @param values one per time bucket, oldest first; null where there is no value (a gap)
     * @param color a CSS colour such as {@code #1f6feb}
     * @param bars draw bars (counts per bucket) instead of a line (levels)
     */
    public record Series(String label, String color, List<Double> values, boolean bars) {
        public Series {
            values = java.util.Collections.unmodifiableList(new ArrayList<>(values));
        }

        /** The last value that is not null, or null. */
        public Double latest() {
            for (int i = values.size() - 1; i >= 0; i--) {
                if (values.get(i) != null) {
                    return values.get(i);
                }
            }
            return null;
        }

        /** The largest value, 0 when there is none. */
        public double max() {
            return values.stream()
                    .filter(v -> v != null)
                    .mapToDouble(Double::doubleValue)
                    .max()
                    .orElse(0);
        }

        /** The sum of the values. */
        public double total() {
            return values.stream()
                    .filter(v -> v != null)
                    .mapToDouble(Double::doubleValue)
                    .sum();
        }
    }

    /**
     * Renders {@code series} on a shared vertical scale from 0 to a round number at or above the
     * largest value.
     *
     * @param label what a screen reader announces, e.g. "Dispatches per second, last 60 minutes"
     */
    public static String render(String id, String label, List<Series> series) {
        int width = Math.max(
                2, series.stream().mapToInt(s -> s.values().size()).max().orElse(2));
        double top = scaleTop(series.stream().mapToDouble(Series::max).max().orElse(0));
        StringBuilder svg = new StringBuilder(4096);
        svg.append("<svg id=\"")
                .append(HtmlEscape.escape(id))
                .append("\" class=\"chart\" viewBox=\"0 0 ")
                .append(width)
                .append(' ')
                .append(HEIGHT)
                .append("\" width=\"100%\" height=\"")
                .append(HEIGHT)
                .append("\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"")
                .append(HtmlEscape.escape(label))
                .append("\" data-top=\"")
                .append(number(top))
                .append("\">");
        // grid: the top of the scale and its half
        svg.append("<line x1=\"0\" y1=\"0.5\" x2=\"")
                .append(width)
                .append("\" y2=\"0.5\" stroke=\"#d0d5dd\" stroke-width=\"1\" vector-effect=\"non-scaling-stroke\"/>");
        svg.append("<line x1=\"0\" y1=\"50\" x2=\"")
                .append(width)
                .append("\" y2=\"50\" stroke=\"#e4e7ec\" stroke-width=\"1\" stroke-dasharray=\"4 4\" "
                        + "vector-effect=\"non-scaling-stroke\"/>");
        svg.append("<line x1=\"0\" y1=\"99.5\" x2=\"")
                .append(width)
                .append("\" y2=\"99.5\" stroke=\"#98a2b3\" stroke-width=\"1\" vector-effect=\"non-scaling-stroke\"/>");
        for (Series s : series) {
            if (s.bars()) {
                bars(svg, s, top);
            } else {
                line(svg, s, top);
            }
        }
        return svg.append("</svg>").toString();
    }

    private static void bars(StringBuilder svg, Series s, double top) {
        svg.append("<g class=\"series\" data-series=\"")
                .append(HtmlEscape.escape(s.label()))
                .append("\" data-total=\"")
                .append(number(s.total()))
                .append("\" fill=\"")
                .append(HtmlEscape.escape(s.color()))
                .append("\">");
        List<Double> values = s.values();
        for (int i = 0; i < values.size(); i++) {
            Double v = values.get(i);
            if (v != null && v > 0) {
                double h = Math.max(1, v / top * HEIGHT);
                svg.append("<rect x=\"")
                        .append(i)
                        .append("\" y=\"")
                        .append(number(HEIGHT - h))
                        .append("\" width=\"1\" height=\"")
                        .append(number(h))
                        .append("\"/>");
            }
        }
        svg.append("</g>");
    }

    private static void line(StringBuilder svg, Series s, double top) {
        svg.append("<g class=\"series\" data-series=\"")
                .append(HtmlEscape.escape(s.label()))
                .append("\" data-total=\"")
                .append(number(s.total()))
                .append("\" fill=\"none\" stroke=\"")
                .append(HtmlEscape.escape(s.color()))
                .append("\" stroke-width=\"2\" stroke-linejoin=\"round\">");
        // A gap (null) ends a polyline; a lone point is drawn as a short dash so it stays visible.
        List<Double> values = s.values();
        StringBuilder points = new StringBuilder();
        int run = 0;
        for (int i = 0; i <= values.size(); i++) {
            Double v = i < values.size() ? values.get(i) : null;
            if (v != null) {
                double y = HEIGHT - v / top * HEIGHT;
                y = Math.min(HEIGHT - 1, Math.max(1, y));
                if (run == 0) {
                    points.setLength(0);
                }
                points.append(run == 0 ? "" : " ").append(i).append(',').append(number(y));
                run++;
                if (run == 1 && (i + 1 == values.size() || values.get(i + 1) == null)) {
                    points.append(' ').append(i + 1).append(',').append(number(y));
                    run++;
                }
            } else if (run > 0) {
                svg.append("<polyline points=\"").append(points).append("\" vector-effect=\"non-scaling-stroke\"/>");
                run = 0;
            }
        }
        svg.append("</g>");
    }

    /** A round number at or above {@code max}: 1, 2, 5 × a power of ten; 1 for an empty chart. */
    static double scaleTop(double max) {
        if (max <= 0) {
            return 1;
        }
        double magnitude = Math.pow(10, Math.floor(Math.log10(max)));
        for (double step : new double[] {1, 2, 5, 10}) {
            if (step * magnitude >= max) {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }

    /** A number as short as it can be: {@code 3}, {@code 2.5}, {@code 0.25}. */
    static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        String s = String.format(Locale.ROOT, "%.2f", v);
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
