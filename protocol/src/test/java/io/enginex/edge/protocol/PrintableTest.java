package io.enginex.edge.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrintableTest {
    @Test
    void controlFormatAndSeparatorCharactersBreakTheRuleAndAreEscaped() {
        for (String bad :
                new String[] {"a\nb", "a\rb", "a\tb", "a\u001b[31mb", "a\u202Eb", "a\u200Bb", "a\u2028b", "a\u0000b"}) {
            assertThat(Printable.isPrintable(bad)).as(bad).isFalse();
            assertThat(Printable.isPrintable(Printable.escape(bad))).as(bad).isTrue();
        }
        assertThat(Printable.escape("host\nFAKE LINE")).isEqualTo("host\\nFAKE LINE");
        assertThat(Printable.escape("a\u202Eb")).isEqualTo("a\\u202Eb");
        assertThat(Printable.problem("host\nx")).isEqualTo("has U+000A (line feed (lf)) at position 4");
    }

    @Test
    void ordinaryTextIsKeptAsItIs() {
        for (String ok : new String[] {"lt-4711", "Müller's Laptop", "C:\\Users\\a", "東京-01", "a b", "😀"}) {
            assertThat(Printable.problem(ok)).as(ok).isNull();
            assertThat(Printable.escape(ok)).isSameAs(ok);
        }
        assertThat(Printable.escape(null)).isNull();
    }
}
