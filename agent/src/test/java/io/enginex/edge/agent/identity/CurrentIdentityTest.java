package io.enginex.edge.agent.identity;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.enginex.edge.agent.testing.TestIdentities;
import io.enginex.edge.protocol.MessageCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class CurrentIdentityTest {
    @TempDir
    Path stateDir;

    private static AgentIdentity withNewKey(AgentIdentity identity) {
        KeyPair next = TestIdentities.keyPair();
        return new AgentIdentity(
                identity.agentId(),
                identity.tenant(),
                identity.labels(),
                identity.hubs(),
                identity.trust(),
                next.getPublic(),
                next.getPrivate(),
                identity.registeredAt(),
                Instant.parse("2026-02-01T00:00:00Z"));
    }

    @Test
    void aKeyRotatedInTheFileIsUsedAtTheNextRead() {
        IdentityFile file = new IdentityFile(stateDir, new MessageCodec().mapper());
        AgentIdentity started = TestIdentities.create("agt_1", "https://hub.example");
        file.save(started);
        CurrentIdentity current = new CurrentIdentity(file, started);

        AgentIdentity rotated = withNewKey(started);
        file.save(rotated);

        assertThat(current.get().fingerprint()).isEqualTo(rotated.fingerprint());
        assertThat(current.get().keyCreatedAt()).isEqualTo(rotated.keyCreatedAt());
    }

    @Test
    void anUnreadableFileOrAnotherAgentsIdentityKeepsTheLastGoodOne() throws Exception {
        IdentityFile file = new IdentityFile(stateDir, new MessageCodec().mapper());
        AgentIdentity started = TestIdentities.create("agt_1", "https://hub.example");
        file.save(started);
        CurrentIdentity current = new CurrentIdentity(file, started);
        AgentIdentity rotated = withNewKey(started);
        file.save(rotated);
        assertThat(current.get().fingerprint()).isEqualTo(rotated.fingerprint());

        file.save(TestIdentities.create("agt_other", "https://hub.example"));
        assertThat(current.get().fingerprint()).isEqualTo(rotated.fingerprint());

        Files.writeString(file.path(), "{ damaged");
        assertThat(current.get().fingerprint()).isEqualTo(rotated.fingerprint());
    }

    @Test
    void aFileThatStaysUnusableIsWarnedAboutOnceNotAtEveryRead() throws Exception {
        IdentityFile file = new IdentityFile(stateDir, new MessageCodec().mapper());
        AgentIdentity started = TestIdentities.create("agt_1", "https://hub.example");
        file.save(started);
        CurrentIdentity current = new CurrentIdentity(file, started);
        Logger logger = (Logger) LoggerFactory.getLogger(CurrentIdentity.class);
        ListAppender<ILoggingEvent> warnings = new ListAppender<>();
        warnings.start();
        logger.addAppender(warnings);
        try {
            Files.writeString(file.path(), "{ damaged");
            for (int i = 0; i < 3; i++) {
                current.get(); // the connection's watch reads every few seconds
            }
            assertThat(warnings.list).hasSize(1);

            file.save(started);
            current.get();
            Files.writeString(file.path(), "{ damaged");
            current.get();
            assertThat(warnings.list).as("warned again after a good read").hasSize(2);
        } finally {
            logger.detachAppender(warnings);
        }
    }
}
