package io.enginex.edge.bench.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LatencyChartTest {
    @Test
    void drawsAP50AndAP99LinePerSeriesWithOnePointPerRate() {
        String svg = LatencyChart.svg(
                "edge-h2 <test>",
                List.of(new LatencyChart.Series(
                        "edge-h2",
                        List.of(
                                new LatencyChart.Point(10, 5, 20),
                                new LatencyChart.Point(50, 8, 60),
                                new LatencyChart.Point(100, 40, 900)))));

        assertThat(svg).startsWith("<svg").endsWith("</svg>\n");
        assertThat(svg.split("<polyline", -1)).hasSize(3);
        assertThat(svg).contains("stroke-dasharray").contains("edge-h2 &lt;test&gt;");
        // x of the highest rate is the plot's right edge: 640 − 20.
        assertThat(svg).containsPattern("points=\"[^\"]*620\\.0,");
        // 1 ms to 1,000 ms: the y axis has a line per decade.
        assertThat(svg).contains(">1 ms<").contains(">1,000 ms<");
    }
}
