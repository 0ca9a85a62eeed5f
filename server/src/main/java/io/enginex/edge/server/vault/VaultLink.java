package io.enginex.edge.server.vault;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.protocol.Hello;
import io.enginex.edge.protocol.KeyFingerprint;
import io.enginex.edge.protocol.SecretDelivery;
import io.enginex.edge.protocol.SecretRemoval;
import io.enginex.edge.protocol.SecretSeal;
import io.enginex.edge.protocol.VaultAck;
import io.enginex.edge.protocol.VaultWipe;
import io.enginex.edge.server.IdGenerator;
import io.enginex.edge.server.audit.Actor;
import io.enginex.edge.server.audit.Audit;
import io.enginex.edge.server.audit.AuditType;
import io.enginex.edge.server.cluster.Cluster;
import io.enginex.edge.server.cluster.Signal;
import io.enginex.edge.server.connection.AgentConnection;
import io.enginex.edge.server.connection.ConnectionRegistry;
import io.enginex.edge.server.connection.VaultFrames;
import io.enginex.edge.server.store.Agent;
import io.enginex.edge.server.store.AgentStore;
import io.enginex.edge.server.store.Transactions;
import io.enginex.edge.server.store.VaultStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The vault's side of the agents' connections on this node: stores the exchange key each hello
 * carries, sends an agent its pending wipes, removals and secret deliveries (in that order) when it
 * connects or when they are made, and records what the agent answers ({@code vault-ack}). When the last agent in scope has
 * answered a secret's version, the value the hub held for it is dropped (unless the tenant chose
 * hub-side storage). Thread-safe; sending the same delivery twice is harmless (the agent stores the
 * same value again and the second answer changes nothing).
 */
public final class VaultLink implements VaultFrames {
    private static final Logger log = LoggerFactory.getLogger(VaultLink.class);

    private final VaultStore store;
    private final AgentStore agents;
    private final ConnectionRegistry registry;
    private final HeldValues held;
    private final Audit audit;
    private final Transactions tx;
    private final IdGenerator ids;
    private final Clock clock;
    private final SecureRandom random;
    private final ObjectMapper mapper;
    private final Cluster cluster;

    /** What the link works with. */
    public record Parts(
            VaultStore store,
            AgentStore agents,
            ConnectionRegistry registry,
            Audit audit,
            Transactions tx,
            IdGenerator ids,
            Clock clock,
            SecureRandom random,
            ObjectMapper mapper,
            Cluster cluster) {}

    /** @param hubSecret the hub's secret, which values held on the hub are sealed under */
    public VaultLink(Parts parts, byte[] hubSecret) {
        this.store = parts.store();
        this.agents = parts.agents();
        this.registry = parts.registry();
        this.audit = parts.audit();
        this.tx = parts.tx();
        this.ids = parts.ids();
        this.clock = parts.clock();
        this.random = parts.random();
        this.mapper = parts.mapper();
        this.cluster = parts.cluster();
        this.held = new HeldValues(hubSecret, parts.random());
    }

    HeldValues held() {
        return held;
    }

    /** Seals {@code value} to one agent's exchange key, as stored in a delivery's {@code sealed}. */
    String sealTo(String exchangeKey, String agentId, String name, String deliveryId, String value) {
        SecretSeal.Sealed sealed = SecretSeal.seal(
                SecretSeal.publicKey(exchangeKey),
                value.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                SecretSeal.context(agentId, name, deliveryId),
                random);
        try {
            return mapper.writeValueAsString(sealed);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a sealed secret", e);
        }
    }

    /**
     * Before {@code welcome}: stores the exchange key of the hello (audited when new or changed). A
     * key that is not X25519 is logged and ignored.
     */
    @Override
    public void hello(AgentConnection connection, Hello hello) {
        String key = hello.exchangeKey();
        if (key == null) {
            return;
        }
        try {
            SecretSeal.publicKey(key);
        } catch (IllegalArgumentException e) {
            log.atWarn()
                    .addKeyValue("agentId", connection.agentId())
                    .log("the agent's hello has an exchange key that is not X25519; no secrets are sent to it");
            return;
        }
        boolean changed = tx.inTransaction(() -> {
            boolean isNew = store.putExchangeKey(connection.tenantId(), connection.agentId(), key, clock.instant());
            if (isNew) {
                audit.record(
                        connection.tenantId(),
                        AuditType.AGENT_EXCHANGE_KEY_SET,
                        Actor.agent(connection.agentId()),
                        connection.remoteAddress(),
                        new Audit.Target("agent", connection.agentId()),
                        Audit.Outcome.SUCCESS,
                        Map.of("fingerprint", KeyFingerprint.ofBase64(key)));
            }
            return isNew;
        });
        if (changed) {
            log.atInfo()
                    .addKeyValue("agentId", connection.agentId())
                    .addKeyValue("fingerprint", KeyFingerprint.ofBase64(key))
                    .log("stored the agent's exchange key");
        }
    }

    /**
     * After {@code welcome}: sends the agent what is pending for it. An agent whose hello has no
     * exchange key is an older one and is sent nothing.
     */
    @Override
    public void ready(AgentConnection connection) {
        Hello hello = connection.hello();
        if (hello == null || hello.exchangeKey() == null) {
            return;
        }
        sendPending(connection);
    }

    /**
     * Sends every connected agent of the tenant on this node (or only {@code agentId}, when not
     * empty) what is pending for it, and tells the other nodes to do the same.
     *
     * @return how many agents on this node were sent something
     */
    public int push(String tenantId, String agentId) {
        int here = pushHere(tenantId, agentId);
        cluster.publish(Signal.vault(tenantId, agentId));
        return here;
    }

    /** As {@link #push}, on this node only (another node made the change). */
    public int pushHere(String tenantId, String agentId) {
        int sent = 0;
        for (AgentConnection connection : registry.active()) {
            if (connection.tenantId().equals(tenantId)
                    && (agentId.isEmpty() || connection.agentId().equals(agentId))
                    && connection.hello() != null
                    && connection.hello().exchangeKey() != null
                    && sendPending(connection) > 0) {
                sent++;
            }
        }
        return sent;
    }

    /**
     * Sends the agent its pending wipes, then its pending deliveries: sealing those made before it
     * had an exchange key, and making deliveries of held secrets whose scope came to cover it.
     *
     * @return the frames sent
     */
    int sendPending(AgentConnection connection) {
        String tenant = connection.tenantId();
        String agentId = connection.agentId();
        int frames = 0;
        for (VaultStore.Wipe wipe : store.pendingWipes(tenant, agentId)) {
            frames += connection.send(new VaultWipe(connection.nextFrameId(), wipe.id())) ? 1 : 0;
        }
        // Before any delivery: a secret deleted and defined again is removed, then stored anew.
        for (VaultStore.Removal removal : store.pendingRemovals(tenant, agentId)) {
            frames +=
                    connection.send(new SecretRemoval(connection.nextFrameId(), removal.id(), removal.name())) ? 1 : 0;
        }
        // Three reads on a connect where nothing is held or pending (the common case of a reconnect storm).
        Map<String, VaultStore.Secret> secrets = new java.util.HashMap<>();
        store.listSecrets(tenant).forEach(s -> secrets.put(s.id(), s));
        boolean anyHeld = secrets.values().stream().anyMatch(s -> s.heldValue() != null);
        List<VaultStore.Delivery> pending = store.pendingDeliveries(tenant, agentId);
        if (!anyHeld && pending.isEmpty()) {
            return frames;
        }
        Optional<String> key = store.exchangeKey(tenant, agentId);
        if (key.isEmpty()) {
            return frames;
        }
        if (anyHeld && coverNewcomer(tenant, agentId, key.get(), secrets.values())) {
            pending = store.pendingDeliveries(tenant, agentId);
        }
        for (VaultStore.Delivery d : pending) {
            VaultStore.Secret s = secrets.get(d.secretId());
            if (s == null) {
                continue;
            }
            String sealed = d.sealed();
            if (sealed == null) {
                if (s.heldValue() == null || s.version() != d.version()) {
                    continue;
                }
                sealed = sealTo(
                        key.get(), agentId, s.name(), d.id(), held.open(tenant, s.id(), s.version(), s.heldValue()));
                store.sealDelivery(tenant, d.id(), sealed);
            }
            SecretSeal.Sealed parts = read(sealed);
            frames += connection.send(new SecretDelivery(
                            connection.nextFrameId(),
                            d.id(),
                            s.name(),
                            parts.ephemeralKey(),
                            parts.nonce(),
                            parts.ciphertext(),
                            s.cacheSeconds(),
                            s.use()))
                    ? 1
                    : 0;
        }
        return frames;
    }

    /**
     * Makes deliveries of the held secrets whose scope covers the agent and that it has no delivery of.
     *
     * @return true when it made any
     */
    private boolean coverNewcomer(
            String tenant, String agentId, String key, java.util.Collection<VaultStore.Secret> secrets) {
        Optional<Agent> agent = agents.find(tenant, agentId).filter(a -> !a.revoked());
        if (agent.isEmpty()) {
            return false;
        }
        Set<String> has = new HashSet<>();
        for (VaultStore.Delivery d : store.deliveriesTo(tenant, agentId)) {
            has.add(d.secretId() + "/" + d.version());
        }
        boolean made = false;
        for (VaultStore.Secret s : secrets) {
            if (s.heldValue() == null
                    || has.contains(s.id() + "/" + s.version())
                    || !s.scope().covers(agentId, agent.get().labels())) {
                continue;
            }
            String id = ids.next("sdl");
            String sealed = sealTo(key, agentId, s.name(), id, held.open(tenant, s.id(), s.version(), s.heldValue()));
            store.insertDelivery(new VaultStore.Delivery(
                    id,
                    tenant,
                    s.id(),
                    s.version(),
                    agentId,
                    sealed,
                    VaultStore.Delivery.PENDING,
                    null,
                    clock.instant(),
                    null));
            made = true;
        }
        return made;
    }

    /** Records the agent's answer to a delivery or a wipe. Unknown or already answered refs change nothing. */
    @Override
    public void answered(AgentConnection connection, VaultAck ack) {
        String tenant = connection.tenantId();
        String agentId = connection.agentId();
        if (VaultAck.WIPED.equals(ack.outcome())) {
            tx.inTransaction(() -> {
                if (store.answerWipe(tenant, agentId, ack.ref(), clock.instant())) {
                    audit.record(
                            tenant,
                            AuditType.VAULT_WIPED,
                            Actor.agent(agentId),
                            connection.remoteAddress(),
                            new Audit.Target("agent", agentId),
                            Audit.Outcome.SUCCESS,
                            Map.of("wipeId", ack.ref()));
                }
                return null;
            });
            log.atInfo()
                    .addKeyValue("agentId", agentId)
                    .addKeyValue("wipeId", ack.ref())
                    .log("agent wiped its vault");
            return;
        }
        Optional<VaultStore.Delivery> delivery = VaultAck.REMOVED.equals(ack.outcome())
                ? Optional.empty()
                : store.findDelivery(tenant, agentId, ack.ref());
        if (delivery.isEmpty()) {
            answeredRemoval(connection, ack);
            return;
        }
        VaultStore.Delivery d = delivery.get();
        Optional<VaultStore.Secret> secret = store.findSecretById(tenant, d.secretId());
        boolean stored = VaultAck.STORED.equals(ack.outcome());
        tx.inTransaction(() -> {
            if (!store.answerDelivery(
                    tenant,
                    d.id(),
                    stored ? VaultStore.Delivery.STORED : VaultStore.Delivery.REFUSED,
                    stored ? null : ack.message(),
                    clock.instant())) {
                return null;
            }
            audit.record(
                    tenant,
                    stored ? AuditType.SECRET_DELIVERED : AuditType.SECRET_REFUSED,
                    Actor.agent(agentId),
                    connection.remoteAddress(),
                    new Audit.Target("secret", d.secretId()),
                    stored ? Audit.Outcome.SUCCESS : Audit.Outcome.FAILURE,
                    stored
                            ? Map.of("name", secret.map(VaultStore.Secret::name).orElse(""), "version", d.version())
                            : Map.of(
                                    "name",
                                    secret.map(VaultStore.Secret::name).orElse(""),
                                    "version",
                                    d.version(),
                                    "reason",
                                    ack.message() == null ? "" : ack.message()));
            return null;
        });
        secret.ifPresent(s -> dropHeldIfDone(tenant, s));
        log.atInfo()
                .addKeyValue("agentId", agentId)
                .addKeyValue("deliveryId", d.id())
                .addKeyValue("outcome", ack.outcome())
                .log("agent answered a secret delivery");
    }

    /** Records the agent's answer to a removal ({@code removed}, or {@code refused}); audited once. */
    private void answeredRemoval(AgentConnection connection, VaultAck ack) {
        String tenant = connection.tenantId();
        String agentId = connection.agentId();
        boolean removed = VaultAck.REMOVED.equals(ack.outcome());
        tx.inTransaction(() -> {
            store.answerRemoval(
                            tenant,
                            agentId,
                            ack.ref(),
                            removed ? VaultStore.Removal.REMOVED : VaultStore.Removal.REFUSED,
                            removed ? null : ack.message(),
                            clock.instant())
                    .ifPresent(r -> audit.record(
                            tenant,
                            AuditType.SECRET_REMOVED,
                            Actor.agent(agentId),
                            connection.remoteAddress(),
                            new Audit.Target("agent", agentId),
                            removed ? Audit.Outcome.SUCCESS : Audit.Outcome.FAILURE,
                            Map.of(
                                    "name",
                                    r.name(),
                                    "reason",
                                    r.reason(),
                                    "removalId",
                                    r.id(),
                                    "message",
                                    removed || ack.message() == null ? "" : ack.message())));
            return null;
        });
        log.atInfo()
                .addKeyValue("agentId", agentId)
                .addKeyValue("removalId", ack.ref())
                .addKeyValue("outcome", ack.outcome())
                .log("agent answered a secret removal");
    }

    /** {@link #dropHeldIfDone} for every secret of the tenant (after a wipe superseded deliveries). */
    void dropHeldWhereDone(String tenant) {
        store.listSecrets(tenant).forEach(s -> dropHeldIfDone(tenant, s));
    }

    /** Drops the held value once no delivery of the current version is pending, unless hub storage was chosen. */
    void dropHeldIfDone(String tenant, VaultStore.Secret s) {
        if (!s.hubStorage() && s.heldValue() != null && store.pendingOf(tenant, s.id(), s.version()) == 0) {
            store.holdValue(tenant, s.id(), null);
            log.atInfo()
                    .addKeyValue("tenant", tenant)
                    .addKeyValue("secret", s.name())
                    .log("every agent in scope answered: the hub no longer holds the secret's value");
        }
    }

    private SecretSeal.Sealed read(String sealed) {
        try {
            return mapper.readValue(sealed, SecretSeal.Sealed.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored sealed secret is not JSON", e);
        }
    }
}
