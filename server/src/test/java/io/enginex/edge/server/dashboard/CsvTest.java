package io.enginex.edge.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvTest {
    @Test
    void fieldsThatASpreadsheetWouldRunAsAFormulaStartWithAnApostrophe() {
        assertThat(Csv.field("=1+2")).isEqualTo("'=1+2");
        assertThat(Csv.field("+SUM(A1)")).isEqualTo("'+SUM(A1)");
        assertThat(Csv.field("-2+3")).isEqualTo("'-2+3");
        assertThat(Csv.field("@cmd")).isEqualTo("'@cmd");
        assertThat(Csv.field("\t=1")).isEqualTo("'\t=1");
        assertThat(Csv.field("\r=1")).isEqualTo("\"'\r=1\"");
        // only the first character counts
        assertThat(Csv.field("a=b")).isEqualTo("a=b");
        assertThat(Csv.field("laptop-7")).isEqualTo("laptop-7");
    }

    @Test
    void quotesFieldsWithCommasQuotesOrLineBreaks() {
        assertThat(Csv.field("a,b")).isEqualTo("\"a,b\"");
        assertThat(Csv.field("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(Csv.field("two\nlines")).isEqualTo("\"two\nlines\"");
        assertThat(Csv.field("=HYPERLINK(\"http://x\",\"y\")"))
                .isEqualTo("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
    }

    @Test
    void aLineJoinsFieldsAndEndsInCrLf() {
        assertThat(Csv.line(Arrays.asList("id", null, "", "x,y"))).isEqualTo("id,,,\"x,y\"\r\n");
        assertThat(Csv.line(List.of("only"))).isEqualTo("only\r\n");
    }
}
