package io.enginex.edge.bench.fleet;

import java.util.List;
import java.util.Locale;

/**
 * An SVG line chart of latency (log scale) against offered rate, drawn from a run's own points: one
 * line per series and percentile (p50 solid, p99 dashed). No chart library: a few lines of SVG are
 * all a benchmark page needs. Immutable.
 */
public final class LatencyChart {
    private static final int WIDTH = 640;
    private static final int HEIGHT = 400;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 40;
    private static final int BOTTOM = 50;
    private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"};

    /** One measured rate: latency percentiles in milliseconds. */
    public record Point(double rate, double p50Ms, double p99Ms) {}

    /** A named line, e.g. {@code edge-h2}. */
    public record Series(String name, List<Point> points) {
        public Series {
            points = List.copyOf(points);
        }
    }

    private LatencyChart() {}

    /** The chart as an SVG document. */
    public static String svg(String title, List<Series> series) {
        double maxRate = series.stream()
                .flatMap(s -> s.points().stream())
                .mapToDouble(Point::rate)
                .max()
                .orElse(1);
        double minMs = series.stream()
                .flatMap(s -> s.points().stream())
                .mapToDouble(Point::p50Ms)
                .filter(v -> v > 0)
                .min()
                .orElse(0.1);
        double maxMs = series.stream()
                .flatMap(s -> s.points().stream())
                .mapToDouble(Point::p99Ms)
                .max()
                .orElse(1);
        double lo = Math.floor(Math.log10(Math.max(minMs, 0.01)));
        double hi = Math.max(lo + 1, Math.ceil(Math.log10(Math.max(maxMs, 0.01))));
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">%n",
                WIDTH,
                HEIGHT));
        svg.append(String.format(
                Locale.ROOT, "<text x=\"%d\" y=\"20\" font-size=\"14\">%s</text>%n", LEFT, escape(title)));
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;
        svg.append(String.format(
                Locale.ROOT,
                "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#888\"/>%n",
                LEFT,
                TOP,
                plotW,
                plotH));
        for (int decade = (int) lo; decade <= (int) hi; decade++) {
            double y = y(Math.pow(10, decade), lo, hi, plotH);
            svg.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/><text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s ms</text>%n",
                    LEFT,
                    y,
                    LEFT + plotW,
                    y,
                    LEFT - 6,
                    y + 4,
                    label(Math.pow(10, decade))));
        }
        for (int i = 0; i <= 4; i++) {
            double rate = maxRate * i / 4;
            double x = LEFT + plotW * rate / maxRate;
            svg.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                    x,
                    TOP + plotH + 18,
                    label(rate)));
        }
        svg.append(String.format(
                Locale.ROOT,
                "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">offered rate (jobs/s)</text>%n",
                LEFT + plotW / 2,
                HEIGHT - 10));
        for (int s = 0; s < series.size(); s++) {
            Series line = series.get(s);
            String colour = COLOURS[s % COLOURS.length];
            svg.append(polyline(line, colour, "", true, maxRate, lo, hi, plotW, plotH));
            svg.append(polyline(line, colour, " stroke-dasharray=\"6 4\"", false, maxRate, lo, hi, plotW, plotH));
            svg.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%d\" y=\"%d\" fill=\"%s\">%s (p50 solid, p99 dashed)</text>%n",
                    LEFT + 10,
                    TOP + 16 + 16 * s,
                    colour,
                    escape(line.name())));
        }
        return svg.append("</svg>\n").toString();
    }

    private static String polyline(
            Series line, String colour, String dash, boolean p50, double maxRate, double lo, double hi, int w, int h) {
        StringBuilder points = new StringBuilder();
        for (Point p : line.points()) {
            double ms = p50 ? p.p50Ms() : p.p99Ms();
            points.append(String.format(
                    Locale.ROOT, "%.1f,%.1f ", LEFT + w * p.rate() / maxRate, y(Math.max(ms, 1e-3), lo, hi, h)));
        }
        return String.format(
                Locale.ROOT,
                "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s points=\"%s\"/>%n",
                colour,
                dash,
                points.toString().strip());
    }

    private static double y(double ms, double lo, double hi, int plotH) {
        double f = (Math.log10(ms) - lo) / (hi - lo);
        return TOP + plotH * (1 - Math.min(1, Math.max(0, f)));
    }

    private static String label(double v) {
        return v >= 1 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.2g", v);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
