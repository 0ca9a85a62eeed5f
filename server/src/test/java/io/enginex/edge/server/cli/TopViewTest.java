package io.enginex.edge.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.server.cli.TopKeys.Key;
import io.enginex.edge.server.cli.TopKeys.Kind;
import io.enginex.edge.server.testing.TestHub;
import java.io.StringReader;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.regex.Pattern;
import org.jline.utils.NonBlocking;
import org.junit.jupiter.api.Test;

class TopViewTest {
    static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");
    static final Pattern ANSI = Pattern.compile("\u001b\\[[0-9;]*m");

    static JsonNode json(String text) {
        try {
            return TestHub.MAPPER.readTree(text.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static TopSnapshot snapshot() {
        return new TopSnapshot(
                List.of(
                        json("{'id':'agt_1','hostname':'laptop-07','os':'linux','arch':'x64','agentVersion':'1.4.0',"
                                + "'state':'online','lastSeenAt':'2026-12-05T09:59:50Z','labels':['finance']}"),
                        json("{'id':'agt_2','hostname':'desk-02','os':'windows','arch':'x64','agentVersion':'1.3.0',"
                                + "'state':'offline','neverConnected':true,'labels':[]}")),
                List.of(json("{'id':'job_a','agentId':'agt_1','tool':'fs.delete','args':{'path':'x'},"
                        + "'state':'awaiting_approval','createdAt':'2026-12-05T09:58:00Z'}")),
                List.of(json("{'id':'job_b','agentId':'agt_2','tool':'fs.list','state':'failed',"
                        + "'error':{'code':'agent_offline'},'createdAt':'2026-12-05T09:50:00Z'}")),
                NOW);
    }

    static TopView view() {
        TopView view = new TopView("acme", "https://hub", Duration.ofSeconds(2), "", Clock.fixed(NOW, ZoneOffset.UTC));
        view.snapshot(snapshot());
        return view;
    }

    static String screen(TopView view) {
        return ANSI.matcher(String.join("\n", view.render(160, 30))).replaceAll("");
    }

    static Key ch(char c) {
        return new Key(Kind.CHAR, c);
    }

    @Test
    void showsAgentStatesWithAgeAndTheJobsAgentByName() {
        String screen = screen(view());

        assertThat(screen).contains("1/2 agents online").contains("1 awaiting approval");
        assertThat(line(screen, "laptop-07"))
                .contains("online")
                .contains("linux/x64")
                .contains("10s ago");
        assertThat(line(screen, "desk-02")).contains("never connected").contains("-");
        assertThat(line(screen, "job_b")).contains("desk-02").contains("failed agent_offline");
    }

    @Test
    void filterMatchesLabelsAndNarrowsTheJobsToThatAgent() {
        TopView view = view();
        view.key(ch('/'));
        for (char c : "FINANCE".toCharArray()) {
            view.key(ch(c));
        }
        view.key(Key.of(Kind.ENTER));
        String screen = screen(view);

        assertThat(screen).contains("AGENTS (1 of 2)").contains("laptop-07").doesNotContain("desk-02");
        assertThat(screen).contains("job_a").doesNotContain("job_b");
        view.key(Key.of(Kind.ESCAPE));
        assertThat(screen(view)).contains("AGENTS (2)").contains("desk-02");
    }

    @Test
    void approvingAsksAReasonAndConfirmationThenAsksTheScreenToSendIt() {
        TopView view = view();
        assertThat(view.key(ch('a'))).isNull();
        assertThat(screen(view)).contains("select it in PENDING APPROVALS");

        view.key(Key.of(Kind.TAB));
        view.key(ch('a'));
        for (char c : "ok".toCharArray()) {
            view.key(ch(c));
        }
        assertThat(screen(view)).contains("Approve job_a (fs.delete on laptop-07) — reason: ok");
        view.key(Key.of(Kind.ENTER));
        assertThat(screen(view)).contains("with reason \"ok\"? y/n");

        assertThat(view.key(ch('y'))).isEqualTo(new TopView.Decide("job_a", true, "ok", "fs.delete on laptop-07"));
    }

    @Test
    void denyingCanBeCancelledAndNothingIsSent() {
        TopView view = view();
        view.key(Key.of(Kind.TAB));
        view.key(ch('d'));
        view.key(Key.of(Kind.ENTER));
        assertThat(view.key(ch('n'))).isNull();
        assertThat(screen(view)).contains("cancelled: job_a was not denied");
    }

    @Test
    void aFailedReadShowsOverTheLastDataUntilTheNextRead() {
        TopView view = view();
        view.failed("cannot reach the hub at https://hub: connection refused — is `engine serve` running?");
        assertThat(screen(view)).contains("error: cannot reach the hub").contains("laptop-07");
        List<String> narrow = view.render(70, 20);
        assertThat(narrow).hasSize(20);
        assertThat(ANSI.matcher(String.join("\n", narrow)).replaceAll(""))
                .as("the fix is not cut off on a narrow terminal")
                .contains("`engine serve` running?");

        view.snapshot(snapshot());
        assertThat(screen(view)).contains("in touch with the hub again").doesNotContain("error:");
    }

    @Test
    void escapeSequencesBecomeKeysAndALoneEscapeStaysEscape() throws Exception {
        // A generous wait for the rest of a sequence: the reader's thread may be slow on a busy machine.
        var keys = new TopKeys(
                NonBlocking.nonBlocking("test", new StringReader("\u001b[A\u001bOB\u001b[Z\u001b[6~j\u001b")), 10_000);
        assertThat(keys.next().kind()).isEqualTo(Kind.UP);
        assertThat(keys.next().kind()).isEqualTo(Kind.DOWN);
        assertThat(keys.next().kind()).isEqualTo(Kind.BACK_TAB);
        assertThat(keys.next().kind()).isEqualTo(Kind.PAGE_DOWN);
        assertThat(keys.next()).isEqualTo(new Key(Kind.CHAR, 'j'));
        assertThat(keys.next().kind()).as("Escape with nothing after it").isEqualTo(Kind.ESCAPE);
    }

    private static String line(String screen, String text) {
        return screen.lines().filter(l -> l.contains(text)).findFirst().orElse("");
    }
}
