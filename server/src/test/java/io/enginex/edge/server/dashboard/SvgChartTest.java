package io.enginex.edge.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.server.dashboard.SvgChart.Series;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SvgChartTest {
    private static List<Double> values(Double... v) {
        return Arrays.asList(v);
    }

    @Test
    void aLineIsScaledToARoundTopAndBrokenAtGaps() {
        String svg = SvgChart.render(
                "c1",
                "Connected agents",
                List.of(new Series("agents", "#1f6feb", values(2.0, 4.0, null, 3.0, 3.0), false)));

        assertThat(svg)
                .startsWith("<svg id=\"c1\"")
                .contains("viewBox=\"0 0 5 100\"")
                .contains("data-top=\"5\"");
        assertThat(svg).contains("aria-label=\"Connected agents\"").contains("role=\"img\"");
        // 2 of 5 is 40 % up, 4 of 5 is 80 % up; the gap ends the first polyline
        assertThat(svg).contains("points=\"0,60 1,20\"").contains("points=\"3,40 4,40\"");
        assertThat(svg).contains("data-total=\"12\"");
    }

    @Test
    void aLonePointIsDrawnAsAShortDash() {
        String svg = SvgChart.render("c", "x", List.of(new Series("p95", "#000", values(null, 10.0, null), false)));

        assertThat(svg).contains("points=\"1,1 2,1\"");
    }

    @Test
    void barsAreDrawnOnlyWhereThereIsACount() {
        String svg = SvgChart.render(
                "c", "Connects", List.of(new Series("connects", "#b42318", values(0.0, 10.0, 0.0, 5.0), true)));

        assertThat(svg).contains("<rect x=\"1\" y=\"0\" width=\"1\" height=\"100\"/>");
        assertThat(svg).contains("<rect x=\"3\" y=\"50\" width=\"1\" height=\"50\"/>");
        assertThat(svg).doesNotContain("<rect x=\"0\"");
    }

    @Test
    void anEmptyChartHasAScaleOfOneAndNoMarks() {
        String svg = SvgChart.render("c", "Errors", List.of(new Series("errors", "#b42318", values(null, null), true)));

        assertThat(svg).contains("data-top=\"1\"").doesNotContain("<rect").doesNotContain("<polyline");
    }

    @Test
    void labelsAndColoursAreEscapedAndNoStyleAttributeIsWritten() {
        String svg =
                SvgChart.render("c\"", "<script>", List.of(new Series("a\"b", "red\" onload=\"x", values(1.0), false)));

        assertThat(svg)
                .doesNotContain("<script>")
                .doesNotContain("\" onload=\"")
                .doesNotContain("style=");
    }

    @Test
    void scaleTopsAreRoundNumbers() {
        assertThat(SvgChart.scaleTop(0)).isEqualTo(1);
        assertThat(SvgChart.scaleTop(0.3)).isEqualTo(0.5);
        assertThat(SvgChart.scaleTop(7)).isEqualTo(10);
        assertThat(SvgChart.scaleTop(120)).isEqualTo(200);
        assertThat(SvgChart.scaleTop(1000)).isEqualTo(1000);
        assertThat(SvgChart.number(2.5)).isEqualTo("2.5");
        assertThat(SvgChart.number(0.125)).isEqualTo("0.13");
    }

    @Test
    void seriesKnowTheirLatestLargestAndTotal() {
        Series s = new Series("x", "#000", values(1.0, null, 5.0, null), false);

        assertThat(s.latest()).isEqualTo(5.0);
        assertThat(s.max()).isEqualTo(5.0);
        assertThat(s.total()).isEqualTo(6.0);
    }
}
