package io.enginex.edge.agent.registration;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.agent.HostInfo;
import io.enginex.edge.agent.identity.AgentIdentity;
import io.enginex.edge.agent.identity.IdentityFile;
import io.enginex.edge.agent.identity.PendingEnrolment;
import io.enginex.edge.agent.identity.PendingEnrolmentFile;
import io.enginex.edge.agent.transport.HubClient;
import io.enginex.edge.agent.transport.HubRefusedException;
import io.enginex.edge.agent.transport.HubUnreachableException;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Registers this device without a token, by the OAuth 2.0 device authorization grant (RFC 8628):
 * asks the hub for a user code, shows it with the verification URL, and polls at the hub's interval
 * (growing it on {@code slow_down}) until an admin approves or denies, or the code expires. Runs on
 * the caller's thread and blocks while waiting; interrupting it ends the wait with a {@link
 * RegistrationException}. It prints the new key's fingerprint, which the approving admin sees too, and
 * while it waits a {@link PendingEnrolmentFile} lets {@code enginex-agent identity show} say so.
 */
public final class DeviceRegistration {
    public static final String AUTHORIZE_PATH = "/api/v1/agent/device/authorize";
    public static final String TOKEN_PATH = "/api/v1/agent/device/token";

    /** How the wait between polls is spent; the CLI sleeps, tests can step. */
    @FunctionalInterface
    public interface Pause {
        void pause(Duration duration) throws InterruptedException;
    }

    private final HubClient hub;
    private final IdentityFile identityFile;
    private final PendingEnrolmentFile pendingFile;
    private final HostInfo host;
    private final Registrar registrar;
    private final Consumer<String> progress;
    private final Pause pause;
    private final Clock clock;

    public DeviceRegistration(
            HubClient hub,
            IdentityFile identityFile,
            PendingEnrolmentFile pendingFile,
            HostInfo host,
            Registrar registrar,
            Consumer<String> progress,
            Pause pause,
            Clock clock) {
        this.hub = hub;
        this.identityFile = identityFile;
        this.pendingFile = pendingFile;
        this.clock = clock;
        this.host = host;
        this.registrar = registrar;
        this.progress = progress;
        this.pause = pause;
    }

    /**
     * Runs the flow and saves the identity.
     *
     * @param user the local user name shown to the approving admin
     * @param tenant the tenant to ask to join (its admins see the request in their queue), or null
     * @param force replace an existing identity instead of refusing
     * @throws RegistrationException on denial, expiry or any failure, saying what to do next
     */
    public AgentIdentity register(String user, String tenant, boolean force) {
        registrar.refuseIfRegistered(force);
        progress.accept("Generating device key…");
        KeyPair keys = Registrar.generateKeyPair();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("publicKey", AgentIdentity.encodePublicKey(keys.getPublic()));
        body.put("hostname", host.hostname());
        body.put("os", host.os());
        body.put("arch", host.arch());
        body.put("user", user);
        body.put("agentVersion", host.agentVersion());
        MachineId.current().ifPresent(id -> body.put("machineId", id));
        if (tenant != null) {
            body.put("tenant", tenant);
        }
        JsonNode started = call(AUTHORIZE_PATH, body);
        String deviceCode = started.path("device_code").asText("");
        String userCode = started.path("user_code").asText("");
        if (deviceCode.isEmpty() || userCode.isEmpty()) {
            throw new RegistrationException("the hub at " + hub.endpoint() + " does not offer device registration;"
                    + " ask your admin for a registration token and pass --token");
        }
        Duration interval =
                Duration.ofSeconds(Math.max(1, started.path("interval").asInt(5)));
        String fingerprint = AgentIdentity.fingerprint(keys.getPublic());
        Instant now = clock.instant();
        pendingFile.write(new PendingEnrolment(
                hub.hubs().toString(),
                tenant,
                userCode,
                started.path("verification_uri_complete").asText(null),
                fingerprint,
                now,
                now.plusSeconds(started.path("expires_in").asLong(600))));
        try {
            return await(started, keys, deviceCode, userCode, interval, fingerprint);
        } finally {
            pendingFile.delete();
        }
    }

    private AgentIdentity await(
            JsonNode started, KeyPair keys, String deviceCode, String userCode, Duration interval, String fingerprint) {
        progress.accept("");
        progress.accept("To approve this machine, an admin opens "
                + started.path("verification_uri").asText() + " and enters the code");
        progress.accept("");
        progress.accept("    " + userCode);
        progress.accept("");
        progress.accept("This machine's key fingerprint is " + fingerprint + " — the admin sees the same on the"
                + " approval page; check they match.");
        progress.accept("(or opens " + started.path("verification_uri_complete").asText() + "). The code expires in "
                + started.path("expires_in").asLong(600) / 60 + " min. Waiting for approval… (enginex-agent identity"
                + " show prints this while you wait.)");
        while (true) {
            try {
                pause.pause(interval);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RegistrationException("stopped waiting for approval; run register again for a new code", e);
            }
            try {
                JsonNode granted = hub.postJson(TOKEN_PATH, Map.of("device_code", deviceCode));
                progress.accept("Approved.");
                return registrar.save(
                        granted, keys, "The approval is now used; fix this and run register again for a new code.");
            } catch (HubRefusedException e) {
                switch (e.code()) {
                    case "authorization_pending" -> {}
                    case "slow_down" -> interval = interval.plusSeconds(5);
                    case "access_denied" ->
                        throw new RegistrationException(
                                "an admin denied this machine's request; ask them why, or register with a token"
                                        + " (--token exr_…)",
                                e);
                    case "expired_token" ->
                        throw new RegistrationException(
                                "the code " + userCode + " expired before anyone approved it; run register again for"
                                        + " a new code",
                                e);
                    default -> throw new RegistrationException(RegistrationErrors.refused(e), e);
                }
            } catch (HubUnreachableException e) {
                throw new RegistrationException(
                        RegistrationErrors.unreachable(e, hub.trust().pinned()), e);
            }
        }
    }

    private JsonNode call(String path, Object body) {
        try {
            return hub.postJson(path, body);
        } catch (HubRefusedException e) {
            if (e.status() == 404) {
                throw new RegistrationException(
                        "the hub at " + hub.endpoint() + " does not offer device registration"
                                + " (an older hub?); ask your admin for a registration token and pass --token",
                        e);
            }
            throw new RegistrationException(RegistrationErrors.refused(e), e);
        } catch (HubUnreachableException e) {
            throw new RegistrationException(
                    RegistrationErrors.unreachable(e, hub.trust().pinned()), e);
        }
    }
}
