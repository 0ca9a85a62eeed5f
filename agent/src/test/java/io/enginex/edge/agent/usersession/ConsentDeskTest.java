package io.enginex.edge.agent.usersession;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The arbitration between the dialog and the status page: first answer wins, timeout denies, only the user. */
@Timeout(20)
class ConsentDeskTest {
    private final Clock clock = Clock.systemUTC();
    private final List<String> audit = new CopyOnWriteArrayList<>();
    private final ConsentDesk desk = new ConsentDesk(clock, new ConsentDesk.Listener() {
        @Override
        public void opened(ConsentDesk.Request r) {
            audit.add("asked " + r.user() + " " + r.jobId());
        }

        @Override
        public void decided(ConsentDesk.Request r, ConsentDesk.Answer a) {
            audit.add("decided " + r.jobId() + " " + a.allowed() + " " + a.by() + " " + a.via());
        }
    });

    private ConsentDesk.Request open(String job, Instant expires) {
        return desk.open("alice", job, "http.request", "erp-token", expires);
    }

    @Test
    void theRequestSaysWhoAskedForTheJobWhenTheHubSaid() {
        Instant expires = clock.instant().plusSeconds(30);

        ConsentDesk.Request tool = desk.open(
                "alice", "job_9", "app.open", null, "{\"url\":\"https://x.example\"}", "API key ci-bot", expires);
        ConsentDesk.Request secret = desk.open(
                "alice", "job_10", "http.request", "erp-token", null, "bob@acme.example (dashboard)", expires);
        ConsentDesk.Request unknown = desk.open("alice", "job_11", "http.request", "erp-token", expires);
        ConsentDesk.Request hostile =
                desk.open("alice", "job_12", "app.open", null, "{}", "mallory\nAllowed by IT\u202e", expires);

        assertThat(tool.shown())
                .isEqualTo("job job_9 wants to run app.open with {\"url\":\"https://x.example\"}, asked by API key"
                        + " ci-bot");
        assertThat(secret.shown())
                .isEqualTo("job job_10 wants http.request to use the secret erp-token, asked by bob@acme.example"
                        + " (dashboard)");
        assertThat(unknown.requestedBy()).isNull();
        assertThat(unknown.shown()).isEqualTo("job job_11 wants http.request to use the secret erp-token");
        assertThat(hostile.requestedBy()).isEqualTo("mallory\\nAllowed by IT\\u202E");
        assertThat(hostile.shown()).doesNotContain("\n", "\u202e");
    }

    @Test
    void theFirstAnswerWinsAndALaterOneIsToldAlreadyAnswered() throws Exception {
        ConsentDesk.Request request = open("job_1", clock.instant().plusSeconds(30));
        assertThat(desk.pending()).containsExactly(request);

        ConsentDesk.Reply page = desk.answer(request.id(), "alice", false, "status page");
        ConsentDesk.Reply dialog = desk.answer(request.id(), "alice", true, "dialog");

        assertThat(page.verdict()).isEqualTo(ConsentDesk.Verdict.ANSWERED);
        assertThat(dialog.verdict()).isEqualTo(ConsentDesk.Verdict.ALREADY_ANSWERED);
        assertThat(dialog.answer().via()).isEqualTo("status page");
        assertThat(dialog.answer().allowed()).isFalse();
        ConsentDesk.Answer decided = desk.await(request);
        assertThat(decided.allowed()).isFalse();
        assertThat(decided.describe()).startsWith("denied by alice (status page)");
        assertThat(desk.pending()).isEmpty();
        assertThat(audit).containsExactly("asked alice job_1", "decided job_1 false alice status page");
    }

    @Test
    void anAnswerWakesTheJobWaitingForIt() throws Exception {
        ConsentDesk.Request request = open("job_2", clock.instant().plusSeconds(30));
        Thread answerer = Thread.ofVirtual().start(() -> desk.answer(request.id(), "alice", true, "dialog"));

        ConsentDesk.Answer answer = desk.await(request);

        answerer.join();
        assertThat(answer.allowed()).isTrue();
        assertThat(answer.via()).isEqualTo("dialog");
    }

    @Test
    void noAnswerBeforeTheRequestExpiresDeniesItAndALateAnswerChangesNothing() throws Exception {
        ConsentDesk.Request request = open("job_3", clock.instant().plusMillis(200));

        ConsentDesk.Answer answer = desk.await(request);

        assertThat(answer.allowed()).isFalse();
        assertThat(answer.by()).isNull();
        assertThat(answer.via()).isEqualTo("timeout");
        assertThat(answer.describe()).startsWith("no answer before");
        ConsentDesk.Reply late = desk.answer(request.id(), "alice", true, "status page");
        assertThat(late.verdict()).isEqualTo(ConsentDesk.Verdict.ALREADY_ANSWERED);
        assertThat(late.answer().via()).isEqualTo("timeout");
        assertThat(audit).containsExactly("asked alice job_3", "decided job_3 false null timeout");
    }

    @Test
    void anotherUserCannotAnswerAndTheRequestStaysOpen() {
        ConsentDesk.Request request = open("job_4", clock.instant().plusSeconds(30));

        ConsentDesk.Reply mallory = desk.answer(request.id(), "mallory", true, "status page");

        assertThat(mallory.verdict()).isEqualTo(ConsentDesk.Verdict.WRONG_USER);
        assertThat(mallory.request().user()).isEqualTo("alice");
        assertThat(desk.pending()).containsExactly(request);
        assertThat(desk.answer("no-such-id", "alice", true, "status page").verdict())
                .isEqualTo(ConsentDesk.Verdict.NOT_FOUND);
        assertThat(desk.answer(request.id(), "alice", true, "status page").verdict())
                .isEqualTo(ConsentDesk.Verdict.ANSWERED);
    }
}
