package io.enginex.edge.agent.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.enginex.edge.agent.journal.JobJournal;
import io.enginex.edge.agent.journal.JournalLimits;
import io.enginex.edge.agent.testing.RecordingOutbox;
import io.enginex.edge.agent.tools.Tool;
import io.enginex.edge.agent.tools.ToolContext;
import io.enginex.edge.agent.tools.ToolRegistry;
import io.enginex.edge.protocol.Dispatch;
import io.enginex.edge.protocol.ErrorCodes;
import io.enginex.edge.protocol.MessageCodec;
import io.enginex.edge.protocol.ToolDescriptor;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Per-tool concurrency caps: never exceeded, waiting calls report progress, deadlines still count. */
class ConcurrencyCapTest {
    @TempDir
    Path stateDir;

    private final ObjectMapper mapper = new MessageCodec().mapper();
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final GateTool slow = new GateTool("test.slow");
    private final GateTool other = new GateTool("test.other");
    private final RecordingOutbox outbox = new RecordingOutbox();
    private final AtomicInteger cap = new AtomicInteger(2);
    private JobJournal journal;
    private JobRunner runner;

    /** Blocks every call until opened; counts calls running at once and the most ever seen. */
    static final class GateTool implements Tool {
        final String name;
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger most = new AtomicInteger();
        final CountDownLatch gate = new CountDownLatch(1);

        GateTool(String name) {
            this.name = name;
        }

        @Override
        public ToolDescriptor descriptor() {
            return new ToolDescriptor(name, name, "gate", JsonNodeFactory.instance.objectNode(), "low");
        }

        @Override
        public JsonNode call(JsonNode args, ToolContext context) {
            int now = running.incrementAndGet();
            most.accumulateAndGet(now, Math::max);
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                context.checkCancelled();
            } finally {
                running.decrementAndGet();
            }
            return JsonNodeFactory.instance.objectNode().put("ok", true);
        }
    }

    @AfterEach
    void tearDown() {
        slow.gate.countDown();
        other.gate.countDown();
        if (runner != null) {
            runner.close();
        }
        executor.close();
        if (journal != null) {
            journal.close();
        }
    }

    private void start(Duration waitReport) {
        journal = JobJournal.open(stateDir, mapper, JournalLimits.DEFAULT, Clock.systemUTC());
        ToolRegistry registry = new ToolRegistry(List.of(slow, other));
        Map<String, AtomicInteger> caps = Map.of("test.slow", cap);
        runner = JobRunner.builder(journal, outbox, executor, Clock.systemUTC())
                .tools(
                        () -> registry,
                        tool -> caps.containsKey(tool) ? caps.get(tool).get() : Integer.MAX_VALUE)
                .maxConcurrent(16)
                .waitReport(waitReport)
                .build();
    }

    private Dispatch dispatch(String jobId, String tool, Duration timeout) {
        return new Dispatch(
                "h-1", jobId, tool, mapper.createObjectNode(), Instant.now().plus(timeout), 1);
    }

    @Test
    void theCapIsNeverExceededAndWaitingCallsReportProgress() {
        start(Duration.ofSeconds(30));
        for (int i = 0; i < 10; i++) {
            runner.dispatch(dispatch("job_" + i, "test.slow", Duration.ofSeconds(30)));
        }
        runner.dispatch(dispatch("job_other", "test.other", Duration.ofSeconds(30)));

        await().until(() -> slow.running.get() == 2 && other.running.get() == 1);
        await().until(() -> outbox.sent().stream()
                        .filter(s ->
                                s.kind().equals("progress") && s.message().startsWith("waiting for a free test.slow"))
                        .map(RecordingOutbox.Sent::jobId)
                        .distinct()
                        .count()
                == 8);
        assertThat(slow.most.get()).isEqualTo(2);

        slow.gate.countDown();
        other.gate.countDown();
        for (int i = 0; i < 10; i++) {
            String jobId = "job_" + i;
            await().until(() -> !outbox.results(jobId).isEmpty());
            assertThat(outbox.results(jobId).getFirst().outcome().ok()).isTrue();
        }
        assertThat(slow.most.get()).as("most test.slow calls at once").isEqualTo(2);
        assertThat(outbox.sent().stream()
                        .filter(s -> s.kind().equals("progress") && s.jobId().equals("job_other"))
                        .count())
                .as("an uncapped tool never waits")
                .isZero();
    }

    @Test
    void aCallWaitingPastItsDeadlineEndsDeadlineExceededWithoutRunning() {
        cap.set(1);
        start(Duration.ofSeconds(30));
        runner.dispatch(dispatch("job_first", "test.slow", Duration.ofSeconds(30)));
        await().until(() -> slow.running.get() == 1);

        runner.dispatch(dispatch("job_late", "test.slow", Duration.ofMillis(300)));

        await().until(() -> !outbox.results("job_late").isEmpty());
        assertThat(outbox.results("job_late").getFirst().outcome().error().code())
                .isEqualTo(ErrorCodes.DEADLINE_EXCEEDED);
        assertThat(slow.most.get()).isEqualTo(1);
        slow.gate.countDown();
        await().until(() -> !outbox.results("job_first").isEmpty());
        assertThat(outbox.results("job_first").getFirst().outcome().ok()).isTrue();
    }

    @Test
    void aRaisedCapLetsWaitingCallsInAndAWaitingCallKeepsReporting() {
        cap.set(1);
        start(Duration.ofMillis(50));
        runner.dispatch(dispatch("job_a", "test.slow", Duration.ofSeconds(30)));
        // Each dispatch runs on its own thread: job_a holds the one slot before job_b asks for it.
        await().until(() -> slow.running.get() == 1);
        runner.dispatch(dispatch("job_b", "test.slow", Duration.ofSeconds(30)));
        await().until(() -> outbox.of("progress", "job_b").size() >= 3);
        assertThat(slow.running.get()).isEqualTo(1);

        cap.set(2);

        // Says what job_b was doing if it never starts.
        await().untilAsserted(() -> assertThat(slow.running.get())
                .as(
                        "test.slow calls running; job_b's last report: %s; its results: %s",
                        outbox.of("progress", "job_b").reversed().stream()
                                .findFirst()
                                .map(RecordingOutbox.Sent::message)
                                .orElse("none"),
                        outbox.results("job_b"))
                .isEqualTo(2));
        assertThat(slow.most.get()).isEqualTo(2);
    }
}
