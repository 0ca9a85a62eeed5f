package io.enginex.edge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.enginex.edge.agent.connection.AccessTokens;
import io.enginex.edge.agent.identity.AgentIdentity;
import io.enginex.edge.agent.identity.ClientAssertion;
import io.enginex.edge.agent.identity.IdentityFile;
import io.enginex.edge.agent.registration.KeyRotation;
import io.enginex.edge.agent.transport.HubClient;
import io.enginex.edge.agent.transport.HubRefusedException;
import io.enginex.edge.e2e.support.AgentProcess;
import io.enginex.edge.e2e.support.AnswerDroppingProxy;
import io.enginex.edge.e2e.support.HubProcess;
import io.enginex.edge.e2e.support.Jvm;
import io.enginex.edge.e2e.support.OsProcess;
import io.enginex.edge.e2e.support.Signals;
import io.enginex.edge.protocol.MessageCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Key rotation in a running agent, with real processes: {@code run} rotates on its schedule, and
 * picks up a key rotated by {@code identity rotate} in another process; either way the next
 * connection (after the hub froze long enough for the agent to give its connection up) is made with
 * the new key, and the old key is refused.
 *
 * <p>The two tests on a hub with TLS share one (each with agents of its own); the lost
 * answer needs a plain-HTTP hub behind a proxy, its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeyRotationE2EIT {
    private final MessageCodec codec = new MessageCodec();
    private HubProcess hub;

    @BeforeAll
    void startHub(@TempDir Path tmp) {
        hub = HubProcess.start(tmp.resolve("hub"), Jvm.freshLogs(getClass().getSimpleName() + "-hub"));
        hub.api().createTenant("acme");
    }

    @AfterAll
    void stopHub() {
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void runRotatesOnScheduleAndItsNextConnectionUsesTheNewKeyWhileTheOldOneIsRefused(@TempDir Path tmp)
            throws Exception {
        Path logs = Jvm.freshLogs(getClass().getSimpleName() + "-schedule");
        AgentProcess agent =
                AgentProcess.of(tmp.resolve("agent-state"), Files.createDirectories(tmp.resolve("files")), logs);
        OsProcess.Completed registered = agent.register(hub, hub.api().createRegistrationToken("acme"));
        assertThat(registered.exitCode()).as(registered.output()).isZero();
        IdentityFile file = new IdentityFile(agent.stateDir(), codec.mapper());
        AgentIdentity original = file.load();

        try (AgentProcess running = agent.run(List.of("--rotate-key-every", "2s"))) {
            await("the running agent rotates its key on schedule")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> !file.load().fingerprint().equals(original.fingerprint()));
            running.process().awaitOutput("device key rotated on schedule", Duration.ofSeconds(30));

            assertOldKeyIsRefused(original);

            reconnect(running.process());
            assertThat(running.process().isAlive()).isTrue();
        }
    }

    @Test
    void identityRotateWhileRunIsRunningIsUsedAtTheNextConnection(@TempDir Path tmp) throws Exception {
        Path logs = Jvm.freshLogs(getClass().getSimpleName() + "-manual");
        AgentProcess agent =
                AgentProcess.of(tmp.resolve("agent-state"), Files.createDirectories(tmp.resolve("files")), logs);
        OsProcess.Completed registered = agent.register(hub, hub.api().createRegistrationToken("acme"));
        assertThat(registered.exitCode()).as(registered.output()).isZero();
        IdentityFile file = new IdentityFile(agent.stateDir(), codec.mapper());
        AgentIdentity original = file.load();

        try (AgentProcess running = agent.run(List.of("--rotate-key-every", "0"))) {
            OsProcess.Completed rotated = identityRotate(agent, logs);
            assertThat(rotated.exitCode()).as(rotated.output()).isZero();
            assertOldKeyIsRefused(original);

            reconnect(running.process());
            assertThat(running.process().output())
                    .contains("the device key was rotated; using the new key from now on")
                    .contains(file.load().fingerprint());
        }
    }

    @Test
    void aRotationWhoseAnswerIsLostAfterTheHubSwitchedDoesNotLockTheAgentOut(@TempDir Path tmp) throws Exception {
        Path logs = Jvm.freshLogs(getClass().getSimpleName() + "-lost-answer");
        try (HubProcess hub = HubProcess.start(tmp.resolve("hub"), logs, "--insecure-http");
                AnswerDroppingProxy proxy = AnswerDroppingProxy.start(hub.port(), KeyRotation.PATH)) {
            hub.api().createTenant("acme");
            AgentProcess agent =
                    AgentProcess.of(tmp.resolve("agent-state"), Files.createDirectories(tmp.resolve("files")), logs);
            OsProcess.Completed registered =
                    agent.register(proxy.url(), hub.api().createRegistrationToken("acme"));
            assertThat(registered.exitCode()).as(registered.output()).isZero();
            IdentityFile file = new IdentityFile(agent.stateDir(), codec.mapper());
            AgentIdentity original = file.load();

            OsProcess.Completed rotate = identityRotate(agent, logs);

            assertThat(rotate.exitCode()).as(rotate.output()).isNotZero();
            assertThat(rotate.output()).contains("both keys are kept");
            assertThat(proxy.dropped()).isEqualTo(1);
            assertOldKeyIsRefused(original); // the hub did switch
            assertThat(file.load().fingerprint()).isEqualTo(original.fingerprint());
            String pending = file.loadPendingKey().orElseThrow().fingerprint();

            try (AgentProcess running = agent.run()) {
                assertThat(running.process().output()).contains("although its answer was lost");
                assertThat(file.load().fingerprint()).isEqualTo(pending);
                assertThat(file.loadPendingKey()).isEmpty();
            }
        }
    }

    /** {@code enginex-agent identity rotate} in a process of its own, as a person runs it. */
    private static OsProcess.Completed identityRotate(AgentProcess agent, Path logs) {
        return OsProcess.run(
                Jvm.agentJar(),
                logs.resolve("agent-rotate.log"),
                Map.of(),
                List.of("identity", "rotate", "--state-dir", agent.stateDir().toString()));
    }

    private void assertOldKeyIsRefused(AgentIdentity old) {
        try (HubClient client =
                new HubClient(old.hub(), old.trust(), Map.of(), Duration.ofSeconds(10), codec.mapper())) {
            AccessTokens withOldKey = new AccessTokens(
                    client, () -> old, new ClientAssertion(Clock.systemUTC(), new SecureRandom(), codec.mapper()));
            assertThatThrownBy(withOldKey::fetch)
                    .isInstanceOfSatisfying(
                            HubRefusedException.class, e -> assertThat(e.code()).isEqualTo("assertion_invalid"));
        }
    }

    /**
     * Makes the running agent connect again, as after a hub restart but without its seconds: the hub
     * freezes (SIGSTOP) until the agent declares the connection dead (no heartbeat), then goes on, and
     * the agent connects anew (with the key it has now).
     */
    private void reconnect(OsProcess agent) {
        int connections = count(agent, "Connected to ");
        int dead = count(agent, "connection declared dead");
        long pid = hub.process().pid();
        Signals.stop(pid);
        try {
            await("the agent gives the frozen hub's connection up (log: " + agent.log() + ")")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> count(agent, "connection declared dead") > dead);
        } finally {
            Signals.resume(pid);
        }
        await("the agent connects again (log: " + agent.log() + ")")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> count(agent, "Connected to ") > connections);
    }

    private static int count(OsProcess agent, String text) {
        Matcher m = Pattern.compile(Pattern.quote(text)).matcher(agent.output());
        int seen = 0;
        while (m.find()) {
            seen++;
        }
        return seen;
    }
}
