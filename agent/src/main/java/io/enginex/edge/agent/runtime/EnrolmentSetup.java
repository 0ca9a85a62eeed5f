package io.enginex.edge.agent.runtime;

import io.enginex.edge.agent.HostInfo;
import io.enginex.edge.agent.connection.Backoff;
import io.enginex.edge.agent.enrolment.AgentConfig;
import io.enginex.edge.agent.enrolment.AgentConfigFile;
import io.enginex.edge.agent.enrolment.Enrolment;
import io.enginex.edge.agent.identity.AgentIdentity;
import io.enginex.edge.agent.identity.IdentityFile;
import io.enginex.edge.agent.registration.Registrar;
import io.enginex.edge.agent.service.StatusBoard;
import io.enginex.edge.agent.transport.HubAddresses;
import io.enginex.edge.agent.transport.HubClient;
import io.enginex.edge.agent.transport.TrustSettings;
import io.enginex.edge.protocol.MessageCodec;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * {@code run --config FILE} without an identity: enrols with the file's hub and token through the
 * {@link Registrar}, retrying with backoff (1 s doubling up to {@code cap}) and reporting each failure
 * on the {@link StatusBoard}. A shutdown signal ends the wait.
 */
final class EnrolmentSetup {
    private EnrolmentSetup() {}

    static Optional<AgentIdentity> await(
            AgentConfigFile configFile,
            IdentityFile identityFile,
            MessageCodec codec,
            StatusBoard status,
            Clock clock,
            Duration cap) {
        status.state("enrolling");
        Enrolment enrolment = new Enrolment(
                configFile,
                identityFile,
                config -> register(config, identityFile, codec, clock),
                new Backoff(Duration.ofSeconds(1), cap, new SplittableRandom()),
                status::error);
        Thread hook = new Thread(enrolment::stop, "enginex-enrolment-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return enrolment.awaitIdentity();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // Already shutting down.
            }
        }
    }

    private static AgentIdentity register(
            AgentConfig config, IdentityFile identityFile, MessageCodec codec, Clock clock) {
        try (HubClient hub = new HubClient(
                HubAddresses.parse(config.server()),
                new TrustSettings(config.pin(), config.caFile()),
                System.getenv(),
                Duration.ofSeconds(20),
                codec.mapper())) {
            return new Registrar(hub, identityFile, HostInfo.current(), clock, line -> {})
                    .register(config.token(), false);
        }
    }
}
