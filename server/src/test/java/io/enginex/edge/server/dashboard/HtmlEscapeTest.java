package io.enginex.edge.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HtmlEscapeTest {
    @Test
    void markupCharactersAreEscapedAndNullIsEmpty() {
        assertThat(HtmlEscape.escape("<a href=\"x\" onclick='y'>&</a>"))
                .isEqualTo("&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
        assertThat(HtmlEscape.escape(null)).isEmpty();
        assertThat(HtmlEscape.escape("plain ü")).isEqualTo("plain ü");
    }
}
