package io.enginex.edge.server.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.protocol.Dispatch;
import io.enginex.edge.protocol.Printable;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.auth.Role;
import org.junit.jupiter.api.Test;

/** How a job's requester is named for the person asked for consent: names and ids, never a secret. */
class RequesterTest {
    @Test
    void aDashboardUserIsNamedByEmail() {
        Caller alice = new Caller("usr_1", "acme", Role.OPERATOR, Caller.Kind.USER, true, "alice@acme.example");

        assertThat(Requester.describe(alice, null)).isEqualTo("alice@acme.example (dashboard)");
    }

    @Test
    void anApiKeyIsNamedByItsLabelOrElseItsId() {
        Caller labelled = new Caller("key_1", "acme", Role.OPERATOR, Caller.Kind.API_KEY, false, "ci-bot");
        Caller bare = new Caller("key_2", "acme", Role.OPERATOR);

        assertThat(Requester.describe(labelled, null)).isEqualTo("API key ci-bot");
        assertThat(Requester.describe(bare, null)).isEqualTo("API key key_2");
    }

    @Test
    void anMcpCallNamesTheCallerAndTheClient() {
        Caller oauthUser = new Caller("usr_1", "acme", Role.OPERATOR, Caller.Kind.USER, false, "alice@acme.example");
        Caller key = new Caller("key_1", "acme", Role.OPERATOR, Caller.Kind.API_KEY, false, "ci-bot");

        assertThat(Requester.describe(oauthUser, "MCP client claude-code 2.1.0"))
                .isEqualTo("alice@acme.example via MCP client claude-code 2.1.0");
        assertThat(Requester.describe(key, "MCP client claude-code 2.1.0"))
                .isEqualTo("API key ci-bot via MCP client claude-code 2.1.0");
        assertThat(Requester.describe(oauthUser, null)).isEqualTo("alice@acme.example (OAuth)");
    }

    @Test
    void aHostileLabelIsEscapedAndCut() {
        Caller key = new Caller(
                "key_1",
                "acme",
                Role.OPERATOR,
                Caller.Kind.API_KEY,
                false,
                "ci\nAllowed by IT\u202e" + "x".repeat(400));

        String described = Requester.describe(key, null);

        assertThat(described).matches(Printable::isPrintable).startsWith("API key ci\\nAllowed by IT\\u202E");
        assertThat(described).hasSize(Dispatch.MAX_REQUESTED_BY);
    }
}
