package io.enginex.edge.agent.registration;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.agent.HostInfo;
import io.enginex.edge.agent.identity.AgentIdentity;
import io.enginex.edge.agent.identity.IdentityException;
import io.enginex.edge.agent.identity.IdentityFile;
import io.enginex.edge.agent.transport.HubClient;
import io.enginex.edge.agent.transport.HubRefusedException;
import io.enginex.edge.agent.transport.HubUnreachableException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Registers this device with the hub: {@code POST /api/v1/agent/register} with a one-time token and
 * a freshly generated Ed25519 public key, then saves the resulting {@link AgentIdentity}.
 *
 * <p>The token is sent once and never written anywhere. Every failure is a {@link
 * RegistrationException} whose message tells the person what to do next.
 */
public final class Registrar {
    public static final String PATH = "/api/v1/agent/register";

    private final HubClient hub;
    private final IdentityFile identityFile;
    private final HostInfo host;
    private final Clock clock;
    private final Consumer<String> progress;

    /**
     * @param progress receives one line per step, for the person watching (stdout in the CLI)
     */
    public Registrar(HubClient hub, IdentityFile identityFile, HostInfo host, Clock clock, Consumer<String> progress) {
        this.hub = hub;
        this.identityFile = identityFile;
        this.host = host;
        this.clock = clock;
        this.progress = progress;
    }

    /**
     * Registers and saves the identity.
     *
     * @param force replace an existing identity instead of refusing
     * @throws RegistrationException on any failure; the existing identity (if any) is left as it was
     */
    public AgentIdentity register(String token, boolean force) {
        String trimmed = token == null ? "" : token.strip();
        if (trimmed.isEmpty()) {
            throw new RegistrationException("no registration token given; pass --token with the token your admin"
                    + " created (engine tokens create …)");
        }
        refuseIfRegistered(force);
        progress.accept("Generating device key…");
        KeyPair keys = generateKeyPair();
        progress.accept("Registering with " + hub.hubs() + " …");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("token", trimmed);
        body.put("publicKey", AgentIdentity.encodePublicKey(keys.getPublic()));
        body.put("hostname", host.hostname());
        body.put("os", host.os());
        body.put("arch", host.arch());
        body.put("agentVersion", host.agentVersion());
        MachineId.current().ifPresent(id -> body.put("machineId", id));
        JsonNode answer;
        try {
            answer = hub.postJson(PATH, body);
        } catch (HubRefusedException e) {
            throw new RegistrationException(RegistrationErrors.refused(e), e);
        } catch (HubUnreachableException e) {
            throw new RegistrationException(
                    RegistrationErrors.unreachable(e, hub.trust().pinned()), e);
        }
        return save(answer, keys, "The token is now used; ask your admin for a new one after fixing this.");
    }

    /** @throws RegistrationException if an identity exists and {@code force} is false */
    void refuseIfRegistered(boolean force) {
        if (identityFile.exists() && !force) {
            throw new RegistrationException(alreadyRegistered());
        }
    }

    /**
     * Saves the identity the hub granted ({@code agentId}, {@code tenant}, {@code labels}) with
     * {@code keys}.
     *
     * @param spent what the person must know if saving fails (what was used up, what to do)
     */
    AgentIdentity save(JsonNode answer, KeyPair keys, String spent) {
        String agentId = answer.path("agentId").asText("");
        String tenant = answer.path("tenant").asText("");
        if (agentId.isBlank() || tenant.isBlank()) {
            throw new RegistrationException("the hub at " + hub.endpoint() + " answered without an agent id or tenant;"
                    + " is this URL an EngineX hub? Check --server.");
        }
        List<String> labels = new ArrayList<>();
        answer.path("labels").forEach(label -> labels.add(label.asText()));
        AgentIdentity identity = new AgentIdentity(
                agentId, tenant, labels, hub.hubs(), hub.trust(), keys.getPublic(), keys.getPrivate(), clock.instant());
        try {
            identityFile.save(identity);
        } catch (IdentityException e) {
            throw new RegistrationException(
                    "registered as " + agentId + " but could not save the identity: " + e.getMessage() + ". " + spent,
                    e);
        }
        return identity;
    }

    private String alreadyRegistered() {
        String who;
        try {
            AgentIdentity existing = identityFile.load();
            who = " as " + existing.agentId() + " (tenant " + existing.tenant() + ") with " + existing.hubs();
        } catch (IdentityException e) {
            who = "";
        }
        return "this agent is already registered" + who + " (" + identityFile.path() + "). To replace that identity"
                + " with a new one, run the same command with --force.";
    }

    static KeyPair generateKeyPair() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new RegistrationException(
                    "this Java runtime cannot make Ed25519 keys; use the runtime bundled with" + " enginex-agent", e);
        }
    }
}
