package io.enginex.edge.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.enginex.edge.protocol.Dispatch;
import io.enginex.edge.protocol.Result;
import io.enginex.edge.server.config.HubConfig;
import io.enginex.edge.server.testing.AgentSocket;
import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestHub;
import io.enginex.edge.server.testing.WebhookReceiver;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** engine webhooks create/list/deliveries/delete against a running hub and a real receiver. */
class WebhooksCommandIT {
    @TempDir
    static Path dir;

    static TestHub hub;

    @BeforeAll
    static void start() {
        hub = TestHub.start(
                dir, b -> b.webhooks(new HubConfig.WebhookConfig(true, Duration.ofMillis(200))), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    static CommandRun engine(String... args) {
        return CommandRun.withDataDir(dir, args);
    }

    @Test
    void anEndpointIsCreatedListedReceivesAJobsEndAndIsDeleted() {
        String tenant = hub.newTenant();
        String session = hub.newSession(tenant);
        TestAgent agent = hub.register(tenant);
        try (WebhookReceiver receiver = WebhookReceiver.start();
                AgentSocket socket = hub.connectReady(agent, "sys.ping")) {
            var created = engine(
                    "webhooks",
                    "create",
                    "--tenant",
                    tenant,
                    "--url",
                    receiver.url(),
                    "--event",
                    "job.finished",
                    "--description",
                    "cli");
            assertThat(created.exitCode()).as(created.err()).isZero();
            assertThat(created.out())
                    .contains("whsec_")
                    .contains("shown only now")
                    .contains("job.finished");
            String id = created.out().substring(created.out().indexOf("whk_")).split(" ")[0];

            var list = engine("webhooks", "list", "--tenant", tenant);
            assertThat(list.out())
                    .contains(id)
                    .contains(receiver.url())
                    .contains("job.finished")
                    .doesNotContain("whsec_");

            hub.dispatch(tenant, session, agent.agentId(), "sys.ping", Map.of(), 60);
            Dispatch dispatch = socket.expect(Dispatch.class);
            socket.send(new Result(
                    socket.nextId(),
                    dispatch.jobId(),
                    TestHub.MAPPER.createObjectNode().put("pong", true),
                    null,
                    Instant.now(),
                    Instant.now(),
                    false));
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> engine("webhooks", "deliveries", "--tenant", tenant, id)
                            .out()
                            .contains("succeeded"));
            assertThat(receiver.received()).hasSize(1);

            var deleted = engine("webhooks", "delete", "--tenant", tenant, id);
            assertThat(deleted.exitCode()).as(deleted.err()).isZero();
            assertThat(engine("webhooks", "list", "--tenant", tenant).out()).doesNotContain(id);
            var audit = engine("audit", "list", "--tenant", tenant);
            assertThat(audit.out())
                    .contains("webhook.created")
                    .contains("webhook.deleted")
                    .doesNotContain("whsec_");
        }
    }

    @Test
    void aRefusedUrlSaysWhatToChangeAndEverySubcommandHasHelp() {
        String tenant = hub.newTenant();
        var refused = engine("webhooks", "create", "--tenant", tenant, "--url", "ftp://example.com/x");
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.err()).contains("https://");
        for (String sub : new String[] {"create", "list", "delete", "deliveries"}) {
            var help = CommandRun.run("webhooks", sub, "--help");
            assertThat(help.exitCode()).as(sub).isZero();
            assertThat(help.out()).as(sub).contains("Usage:").contains("Examples:");
        }
        assertThat(CommandRun.run("webhooks", "--help").out()).contains("deliveries");
    }
}
