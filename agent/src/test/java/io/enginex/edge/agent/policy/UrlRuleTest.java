package io.enginex.edge.agent.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class UrlRuleTest {
    private final UrlRule wiki = new UrlRule("https://intranet.example.com/wiki/", "machine policy");

    @Test
    void allowsOnlyTheSameSchemeHostPortAndPathPrefix() {
        assertThat(wiki.allows("https://intranet.example.com/wiki/Start?x=1")).isTrue();
        assertThat(wiki.allows("https://INTRANET.example.com:443/wiki/")).isTrue();
        assertThat(wiki.allows("http://intranet.example.com/wiki/Start")).isFalse();
        assertThat(wiki.allows("https://intranet.example.com.evil.net/wiki/")).isFalse();
        assertThat(wiki.allows("https://intranet.example.com:8443/wiki/")).isFalse();
        assertThat(wiki.allows("https://intranet.example.com/wikipedia")).isFalse();
        assertThat(wiki.allows("https://intranet.example.com/wiki/../admin")).isFalse();
        assertThat(wiki.allows("https://evil@intranet.example.com/wiki/")).isFalse();
        assertThat(wiki.allows("file:///etc/passwd")).isFalse();
        assertThat(wiki.allows("not a url")).isFalse();
    }

    @Test
    void aRuleMustBeAPlainHttpUrl() {
        assertThatThrownBy(() -> new UrlRule("file:///home/", "machine policy"))
                .isInstanceOf(PolicyException.class)
                .hasMessageContaining("https://");
        assertThatThrownBy(() -> new UrlRule("https://h/?q=1", "machine policy"))
                .hasMessageContaining("query");
    }
}
