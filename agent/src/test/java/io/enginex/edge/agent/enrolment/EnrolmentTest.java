package io.enginex.edge.agent.enrolment;

import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.agent.connection.Backoff;
import io.enginex.edge.agent.identity.AgentIdentity;
import io.enginex.edge.agent.identity.IdentityFile;
import io.enginex.edge.agent.registration.RegistrationException;
import io.enginex.edge.agent.testing.TestIdentities;
import io.enginex.edge.protocol.MessageCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnrolmentTest {
    @TempDir
    Path temp;

    private final MessageCodec codec = new MessageCodec();
    private final List<String> failures = new ArrayList<>();
    private final List<AgentConfig> attempts = new ArrayList<>();

    @Test
    void retriesARefusedEnrolmentReportingEachReasonThenDeletesTheToken() throws Exception {
        Path conf = temp.resolve("agent.conf");
        Files.writeString(conf, "server = https://hub.example.com\ntoken = exr_secret\n");
        IdentityFile identities = new IdentityFile(temp.resolve("state"), codec.mapper());
        Enrolment enrolment = enrolment(conf, identities, config -> {
            attempts.add(config);
            if (attempts.size() < 3) {
                throw new RegistrationException("the hub is unreachable (attempt " + attempts.size() + ")");
            }
            AgentIdentity identity = TestIdentities.create("agt_1", config.server());
            identities.save(identity);
            return identity;
        });

        assertThat(enrolment.awaitIdentity()).map(AgentIdentity::agentId).contains("agt_1");
        assertThat(failures)
                .containsExactly("the hub is unreachable (attempt 1)", "the hub is unreachable (attempt 2)");
        assertThat(attempts).allSatisfy(config -> assertThat(config.token()).isEqualTo("exr_secret"));
        assertThat(Files.readString(conf)).isEqualTo("server = https://hub.example.com\n");
    }

    @Test
    void anExistingIdentityIsUsedWithoutRegistering() {
        IdentityFile identities = new IdentityFile(temp.resolve("state"), codec.mapper());
        identities.save(TestIdentities.create("agt_2", "https://hub.example.com"));
        Enrolment enrolment = enrolment(temp.resolve("absent.conf"), identities, config -> {
            throw new AssertionError("must not register");
        });

        assertThat(enrolment.awaitIdentity()).map(AgentIdentity::agentId).contains("agt_2");
    }

    @Test
    void aMissingTokenIsReportedAndTheFileReReadUntilTheAdminAddsIt() throws Exception {
        Path conf = temp.resolve("agent.conf");
        Files.writeString(conf, "server = https://hub.example.com\n");
        IdentityFile identities = new IdentityFile(temp.resolve("state"), codec.mapper());
        Enrolment[] holder = new Enrolment[1];
        holder[0] = new Enrolment(
                new AgentConfigFile(conf),
                identities,
                config -> {
                    AgentIdentity identity = TestIdentities.create("agt_3", config.server());
                    identities.save(identity);
                    return identity;
                },
                new Backoff(Duration.ofMillis(1), Duration.ofMillis(2), new SplittableRandom(1)),
                reason -> {
                    failures.add(reason);
                    try {
                        Files.writeString(conf, "server = https://hub.example.com\ntoken = exr_late\n");
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });

        assertThat(holder[0].awaitIdentity()).isPresent();
        assertThat(failures).singleElement().asString().contains("has no token");
    }

    @Test
    void stopEndsTheWait() {
        IdentityFile identities = new IdentityFile(temp.resolve("state"), codec.mapper());
        Enrolment[] holder = new Enrolment[1];
        holder[0] = new Enrolment(
                new AgentConfigFile(temp.resolve("absent.conf")),
                identities,
                config -> {
                    throw new AssertionError("nothing to enrol with");
                },
                new Backoff(Duration.ofMillis(1), Duration.ofMillis(2), new SplittableRandom(1)),
                reason -> holder[0].stop());

        assertThat(holder[0].awaitIdentity()).isEmpty();
    }

    private Enrolment enrolment(Path conf, IdentityFile identities, Enrolment.Registration registration) {
        return new Enrolment(
                new AgentConfigFile(conf),
                identities,
                registration,
                new Backoff(Duration.ofMillis(1), Duration.ofMillis(2), new SplittableRandom(1)),
                failures::add);
    }
}
