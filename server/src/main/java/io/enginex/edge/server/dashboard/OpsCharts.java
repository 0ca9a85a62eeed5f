package io.enginex.edge.server.dashboard;

import io.enginex.edge.server.dashboard.SvgChart.Series;
import io.enginex.edge.server.ops.OpsPoint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The ops console's charts, drawn from {@link OpsPoint} buckets (the cluster's or one node's):
 * connected agents, dispatch rate, latency percentiles, errors and reconnect waves. Stateless.
 */
public final class OpsCharts {
    static final String BLUE = "#1f6feb";
    static final String GREEN = "#067647";
    static final String ORANGE = "#b54708";
    static final String RED = "#b42318";
    static final String PURPLE = "#6941c6";
    static final String GREY = "#667085";

    /** A wave is at least this many connections made ready in one bucket. */
    static final int WAVE = 3;

    private OpsCharts() {}

    /** One chart: its heading, a line of numbers under it, the legend and the SVG (safe to write raw). */
    public record Chart(String id, String title, String caption, List<Legend> legend, String svg) {}

    /** A series' name, colour and its latest value as shown. */
    public record Legend(String label, String color, String latest) {}

    /** The charts for {@code points} (oldest first, one per bucket). */
    public static List<Chart> of(List<OpsPoint> points, long bucketSeconds) {
        int minutes = (int) Math.max(1, points.size() * bucketSeconds / 60);
        String span = "last " + minutes + " min";
        List<Chart> charts = new ArrayList<>();
        charts.add(chart(
                "chart-agents",
                "Connected agents",
                span,
                new Series(
                        "connected",
                        BLUE,
                        values(points, p -> p.connectedAgents() == null ? null : (double) p.connectedAgents()),
                        false)));
        charts.add(chart(
                "chart-dispatch",
                "Dispatch rate (per second)",
                span,
                new Series("dispatched", BLUE, values(points, p -> (double) p.dispatched() / bucketSeconds), false),
                new Series("completed", GREEN, values(points, p -> (double) p.completed() / bucketSeconds), false)));
        charts.add(chart(
                "chart-latency",
                "Latency, dispatch to result (ms)",
                span,
                new Series("p50", GREEN, values(points, OpsPoint::p50Millis), false),
                new Series("p95", ORANGE, values(points, OpsPoint::p95Millis), false),
                new Series("p99", RED, values(points, OpsPoint::p99Millis), false)));
        charts.add(chart(
                "chart-errors",
                "Errors (failed or timed out, per " + bucketSeconds + " s)",
                span,
                new Series("errors", RED, values(points, p -> (double) p.errors()), true)));
        Chart waves = chart(
                "chart-connects",
                "Connects per " + bucketSeconds + " s (reconnect waves)",
                span,
                new Series("connects", PURPLE, values(points, p -> (double) p.connects()), true),
                new Series("disconnects", GREY, values(points, p -> (double) p.disconnects()), false));
        OpsPoint peak = null;
        for (OpsPoint p : points) {
            if (peak == null || p.connects() > peak.connects()) {
                peak = p;
            }
        }
        if (peak != null && peak.connects() >= WAVE) {
            waves = new Chart(
                    waves.id(),
                    waves.title(),
                    span + " · largest wave " + peak.connects() + " connects at " + time(peak.at()),
                    waves.legend(),
                    waves.svg());
        }
        charts.add(waves);
        return List.copyOf(charts);
    }

    private static Chart chart(String id, String title, String span, Series... series) {
        List<Legend> legend = new ArrayList<>();
        for (Series s : series) {
            Double latest = s.latest();
            legend.add(new Legend(s.label(), s.color(), latest == null ? "–" : SvgChart.number(latest)));
        }
        return new Chart(
                id,
                title,
                span,
                List.copyOf(legend),
                SvgChart.render(id + "-svg", title + ", " + span + describe(series), List.of(series)));
    }

    /** For screen readers: each series' latest and largest value. */
    private static String describe(Series... series) {
        StringBuilder s = new StringBuilder();
        for (Series x : series) {
            Double latest = x.latest();
            s.append("; ")
                    .append(x.label())
                    .append(" now ")
                    .append(latest == null ? "none" : SvgChart.number(latest))
                    .append(", highest ")
                    .append(SvgChart.number(x.max()));
        }
        return s.toString();
    }

    private static List<Double> values(List<OpsPoint> points, Function<OpsPoint, Double> f) {
        List<Double> out = new ArrayList<>(points.size());
        for (OpsPoint p : points) {
            out.add(f.apply(p));
        }
        return out;
    }

    private static String time(Instant at) {
        return Format.at(at).substring(11, 19) + " UTC";
    }
}
