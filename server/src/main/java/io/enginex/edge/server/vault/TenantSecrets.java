package io.enginex.edge.server.vault;

import io.enginex.edge.protocol.SecretDelivery;
import io.enginex.edge.server.HubException;
import io.enginex.edge.server.IdGenerator;
import io.enginex.edge.server.LiveViews;
import io.enginex.edge.server.audit.Actor;
import io.enginex.edge.server.audit.Audit;
import io.enginex.edge.server.audit.AuditType;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.auth.Origin;
import io.enginex.edge.server.auth.Role;
import io.enginex.edge.server.auth.TenantGuard;
import io.enginex.edge.server.idempotency.Answer;
import io.enginex.edge.server.idempotency.Creation;
import io.enginex.edge.server.store.Agent;
import io.enginex.edge.server.store.AgentStore;
import io.enginex.edge.server.store.PolicyScope;
import io.enginex.edge.server.store.Transactions;
import io.enginex.edge.server.store.VaultStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tenant secrets for the agents' vaults, and remote wipes, as use cases: every role of the tenant
 * reads the definitions (never a value: the API has no way to read one back); admins and owners
 * define, delete and wipe. A definition seals the value to each in-scope agent's exchange key before
 * the transaction, writes the definition, the deliveries and the audit event together, then sends
 * the connected agents their deliveries.
 *
 * <p><b>What the hub keeps</b>: never the plaintext. The value sealed under the hub secret ({@link
 * HeldValues}) only while an agent in scope has not answered the current version (it may have no
 * exchange key yet, or be offline), or always when the tenant chose {@code hubStorage} (then agents that
 * come into scope later get it too); and one ciphertext per agent until that agent answers.
 * Thread-safe.
 */
public final class TenantSecrets {
    private static final Logger log = LoggerFactory.getLogger(TenantSecrets.class);

    /** As the agent's vault names them. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /** As the agent's vault takes them. */
    public static final int MAX_VALUE_BYTES = 64 * 1024;

    /** How long agents cache a secret when the definition does not say. */
    public static final long DEFAULT_CACHE_SECONDS = 24L * 3600;

    private final VaultStore store;
    private final AgentStore agents;
    private final VaultLink link;
    private final Audit audit;
    private final TenantGuard guard;
    private final Transactions tx;
    private final LiveViews live;
    private final IdGenerator ids;
    private final Clock clock;

    public TenantSecrets(
            VaultLink link,
            AgentStore agents,
            VaultStore store,
            Audit audit,
            TenantGuard guard,
            Transactions tx,
            LiveViews live,
            IdGenerator ids,
            Clock clock) {
        this.link = link;
        this.agents = agents;
        this.store = store;
        this.audit = audit;
        this.guard = guard;
        this.tx = tx;
        this.live = live;
        this.ids = ids;
        this.clock = clock;
    }

    /**
     * What an admin asks for.
     *
     * @param cacheSeconds how long agents may keep it, or null for {@link #DEFAULT_CACHE_SECONDS}
     * @param use {@code auto}, {@code approval} or {@code consent}, or null for {@code auto}
     */
    public record Definition(
            String name,
            String value,
            String scope,
            Long cacheSeconds,
            String use,
            boolean hubStorage,
            String description) {
        @Override
        public String toString() {
            return "Definition[name=" + name + ", scope=" + scope + ", value=****]";
        }
    }

    /**
     * A definition made.
     *
     * @param agents the tenant's agents (not revoked) in scope
     * @param awaitingKey those of them that sent no exchange key yet
     */
    public record Defined(VaultStore.Secret secret, boolean created, int agents, int awaitingKey) {}

    /** A secret with how far its current version got. */
    public record Status(VaultStore.Secret secret, Map<String, Integer> deliveries, List<VaultStore.Delivery> list) {}

    /** One agent's vault as the hub sees it. */
    public record AgentVault(
            Agent agent,
            Optional<String> exchangeKey,
            List<VaultStore.Delivery> deliveries,
            List<VaultStore.Wipe> wipes,
            List<VaultStore.Removal> removals) {}

    /**
     * A definition (new, or replacing the secret of that name with its next version), to run through
     * the idempotent creates.
     *
     * @throws HubException.BadRequest naming the field and the fix
     */
    public Creation<Defined> define(
            Caller caller, String tenant, Definition d, Origin origin, Function<Defined, Answer> answer) {
        guard.checkWrite(caller, tenant);
        caller.requireRole(Role.ADMIN);
        return Creation.preparedBy(
                () -> prepare(caller, tenant, d), ready -> write(caller, tenant, ready, origin), answer, defined -> {
                    link.push(tenant, "");
                    live.changed(tenant);
                    return defined;
                });
    }

    private record Prepared(
            VaultStore.Secret secret,
            boolean created,
            List<VaultStore.Delivery> deliveries,
            int awaitingKey,
            List<VaultStore.Removal> removals) {}

    private Prepared prepare(Caller caller, String tenant, Definition d) {
        if (d.name() == null || !NAME.matcher(d.name()).matches()) {
            throw new HubException.BadRequest(
                    "invalid_secret",
                    "name must be 1 to 64 letters, digits, '.', '_' or '-' (as tools reference it: secret:NAME), got "
                            + (d.name() == null ? "none" : "\"" + d.name() + "\""));
        }
        if (d.value() == null || d.value().isEmpty()) {
            throw new HubException.BadRequest(
                    "invalid_secret", "value is required and may not be empty; send the secret's value in \"value\"");
        }
        if (d.value().getBytes(StandardCharsets.UTF_8).length > MAX_VALUE_BYTES) {
            throw new HubException.BadRequest(
                    "invalid_secret",
                    "value is larger than " + MAX_VALUE_BYTES + " bytes, the most an agent's vault takes");
        }
        PolicyScope scope = PolicyScope.parse(d.scope() == null ? "tenant" : d.scope());
        if (scope.kind().equals(PolicyScope.AGENT)
                && agents.find(tenant, scope.value()).isEmpty()) {
            throw new HubException.NotFound(
                    "agent_not_found", "tenant " + tenant + " has no agent " + scope.value() + "; check the scope");
        }
        long cache = d.cacheSeconds() == null ? DEFAULT_CACHE_SECONDS : d.cacheSeconds();
        if (cache < 1 || cache > SecretDelivery.MAX_CACHE_SECONDS) {
            throw new HubException.BadRequest(
                    "invalid_secret",
                    "cacheFor must be between 1 s and 366 d (e.g. \"8h\", \"30d\"), got " + cache + " s");
        }
        String use = d.use() == null ? "auto" : d.use();
        if (!SecretDelivery.USES.contains(use)) {
            throw new HubException.BadRequest(
                    "invalid_secret", "use must be \"auto\", \"approval\" or \"consent\", got \"" + use + "\"");
        }
        if (d.description() != null && d.description().length() > 500) {
            throw new HubException.BadRequest("invalid_secret", "description is at most 500 characters");
        }
        Optional<VaultStore.Secret> existing = store.findSecret(tenant, d.name());
        Instant now = clock.instant();
        String id = existing.map(VaultStore.Secret::id).orElseGet(() -> ids.next("sec"));
        int version = existing.map(s -> s.version() + 1).orElse(1);
        List<VaultStore.Delivery> deliveries = new ArrayList<>();
        int awaitingKey = 0;
        for (Agent a : agents.list(tenant)) {
            if (a.revoked() || !scope.covers(a.id(), a.labels())) {
                continue;
            }
            String deliveryId = ids.next("sdl");
            Optional<String> key = store.exchangeKey(tenant, a.id());
            String sealed = key.map(k -> link.sealTo(k, a.id(), d.name(), deliveryId, d.value()))
                    .orElse(null);
            awaitingKey += key.isEmpty() ? 1 : 0;
            deliveries.add(new VaultStore.Delivery(
                    deliveryId, tenant, id, version, a.id(), sealed, VaultStore.Delivery.PENDING, null, now, null));
        }
        // Held under the hub secret only while someone in scope still lacks it, or for good with hub storage.
        String heldValue =
                d.hubStorage() || !deliveries.isEmpty() ? link.held().seal(tenant, id, version, d.value()) : null;
        VaultStore.Secret secret = new VaultStore.Secret(
                id,
                tenant,
                d.name(),
                scope,
                cache,
                use,
                d.hubStorage(),
                heldValue,
                version,
                d.description(),
                existing.map(VaultStore.Secret::createdAt).orElse(now),
                now,
                caller.actorId());
        // A new version replaces the value on every agent in scope; one that had an older version and is
        // no longer in scope is told to remove it.
        List<VaultStore.Removal> removals = new ArrayList<>();
        if (existing.isPresent()) {
            java.util.Set<String> inScope = new java.util.HashSet<>();
            deliveries.forEach(dl -> inScope.add(dl.agentId()));
            for (String agentId : holders(tenant, id)) {
                if (!inScope.contains(agentId)) {
                    removals.add(removal(caller, tenant, agentId, d.name(), VaultStore.Removal.OUT_OF_SCOPE, now));
                }
            }
        }
        return new Prepared(secret, existing.isEmpty(), deliveries, awaitingKey, removals);
    }

    private Defined write(Caller caller, String tenant, Prepared p, Origin origin) {
        VaultStore.Secret s = p.secret();
        store.putSecret(s);
        store.supersedeOlder(tenant, s.id(), s.version());
        p.deliveries().forEach(store::insertDelivery);
        p.removals().forEach(store::insertRemoval);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("name", s.name());
        details.put("scope", s.scope().wire());
        details.put("version", s.version());
        details.put("cacheSeconds", s.cacheSeconds());
        details.put("use", s.use());
        details.put("hubStorage", s.hubStorage());
        details.put("agents", p.deliveries().size());
        details.put("removedFrom", p.removals().size());
        details.put("action", p.created() ? "created" : "replaced");
        audit.record(
                tenant,
                AuditType.SECRET_DEFINED,
                Actor.of(caller),
                origin.sourceIp(),
                new Audit.Target("secret", s.id()),
                Audit.Outcome.SUCCESS,
                origin.tag(details));
        log.atInfo()
                .addKeyValue("tenant", tenant)
                .addKeyValue("secret", s.name())
                .addKeyValue("version", s.version())
                .addKeyValue("agents", p.deliveries().size())
                .log("tenant secret defined");
        return new Defined(s, p.created(), p.deliveries().size(), p.awaitingKey());
    }

    /** A keyed tag of a value, for recognising a retried request without storing a hash of the value. */
    public String valueTag(String tenant, String value) {
        return link.held().tag(tenant, value == null ? "" : value);
    }

    public List<Status> list(Caller caller, String tenant) {
        guard.check(caller, tenant);
        return store.listSecrets(tenant).stream().map(this::status).toList();
    }

    /** @throws HubException.NotFound {@code secret_not_found} */
    public Status find(Caller caller, String tenant, String name) {
        guard.check(caller, tenant);
        return status(secret(tenant, name));
    }

    /**
     * Deletes a definition and its deliveries (pending ones are not sent any more), audited, and asks
     * every agent that was sent it to remove its copy: at once if it is connected, else right after
     * its next {@code welcome} (before any delivery).
     *
     * @throws HubException.NotFound {@code secret_not_found}
     */
    public VaultStore.Secret delete(Caller caller, String tenant, String name, Origin origin) {
        guard.checkWrite(caller, tenant);
        caller.requireRole(Role.ADMIN);
        VaultStore.Secret s = secret(tenant, name);
        Instant now = clock.instant();
        List<VaultStore.Removal> removals = holders(tenant, s.id()).stream()
                .map(agentId -> removal(caller, tenant, agentId, s.name(), VaultStore.Removal.DELETED, now))
                .toList();
        tx.inTransaction(() -> {
            store.deleteSecret(tenant, s.id());
            removals.forEach(store::insertRemoval);
            audit.record(
                    tenant,
                    AuditType.SECRET_DELETED,
                    Actor.of(caller),
                    origin.sourceIp(),
                    new Audit.Target("secret", s.id()),
                    Audit.Outcome.SUCCESS,
                    origin.tag(Map.of("name", s.name(), "removedFrom", removals.size())));
            return null;
        });
        if (!removals.isEmpty()) {
            link.push(tenant, "");
        }
        live.changed(tenant);
        return s;
    }

    /** The agents (not revoked) that were sent any version of the secret and did not refuse it. */
    private List<String> holders(String tenant, String secretId) {
        java.util.Set<String> agentIds = new java.util.TreeSet<>();
        for (VaultStore.Delivery d : store.deliveriesOf(tenant, secretId)) {
            if (!VaultStore.Delivery.REFUSED.equals(d.state())) {
                agentIds.add(d.agentId());
            }
        }
        return agentIds.stream()
                .filter(a ->
                        agents.find(tenant, a).filter(agent -> !agent.revoked()).isPresent())
                .toList();
    }

    private VaultStore.Removal removal(
            Caller caller, String tenant, String agentId, String name, String reason, Instant now) {
        return new VaultStore.Removal(
                ids.next("srm"),
                tenant,
                agentId,
                name,
                reason,
                caller.actorId(),
                now,
                VaultStore.Removal.PENDING,
                null,
                null);
    }

    /**
     * A remote wipe of one agent's vault, to run through the idempotent creates: recorded with its
     * audit event, then sent to the agent if it is connected, else when it connects. Pending
     * deliveries to the agent are dropped, so the wipe is not undone by a delivery made before it.
     *
     * @throws HubException.NotFound {@code agent_not_found}
     */
    public Creation<VaultStore.Wipe> wipe(
            Caller caller, String tenant, String agentId, Origin origin, Function<VaultStore.Wipe, Answer> answer) {
        guard.checkWrite(caller, tenant);
        caller.requireRole(Role.ADMIN);
        return Creation.preparedBy(
                () -> agent(tenant, agentId),
                agent -> {
                    VaultStore.Wipe wipe = new VaultStore.Wipe(
                            ids.next("vwp"),
                            tenant,
                            agentId,
                            caller.actorId(),
                            clock.instant(),
                            VaultStore.Wipe.PENDING,
                            null);
                    store.insertWipe(wipe);
                    store.supersedeForAgent(tenant, agentId);
                    audit.record(
                            tenant,
                            AuditType.VAULT_WIPE_REQUESTED,
                            Actor.of(caller),
                            origin.sourceIp(),
                            new Audit.Target("agent", agentId),
                            Audit.Outcome.SUCCESS,
                            origin.tag(Map.of("wipeId", wipe.id())));
                    return wipe;
                },
                answer,
                wipe -> {
                    link.dropHeldWhereDone(tenant);
                    link.push(tenant, agentId);
                    live.changed(tenant);
                    return wipe;
                });
    }

    /** @throws HubException.NotFound {@code agent_not_found} */
    public AgentVault agentVault(Caller caller, String tenant, String agentId) {
        guard.check(caller, tenant);
        Agent agent = agent(tenant, agentId);
        return new AgentVault(
                agent,
                store.exchangeKey(tenant, agentId),
                store.deliveriesTo(tenant, agentId),
                store.wipesOf(tenant, agentId),
                store.removalsOf(tenant, agentId));
    }

    /** The name of a secret by id, for showing deliveries; empty when it was deleted. */
    public Optional<String> nameOf(String tenant, String secretId) {
        return store.findSecretById(tenant, secretId).map(VaultStore.Secret::name);
    }

    private Agent agent(String tenant, String agentId) {
        return agents.find(tenant, agentId)
                .orElseThrow(() -> new HubException.NotFound(
                        "agent_not_found",
                        "tenant " + tenant + " has no agent " + agentId + "; list them with engine agents list"));
    }

    private VaultStore.Secret secret(String tenant, String name) {
        return store.findSecret(tenant, name)
                .orElseThrow(() -> new HubException.NotFound(
                        "secret_not_found",
                        "tenant " + tenant + " has no secret " + name + "; list them with engine secrets list"));
    }

    private Status status(VaultStore.Secret s) {
        List<VaultStore.Delivery> all = store.deliveriesOf(s.tenantId(), s.id());
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String state :
                List.of(VaultStore.Delivery.PENDING, VaultStore.Delivery.STORED, VaultStore.Delivery.REFUSED)) {
            counts.put(state, 0);
        }
        for (VaultStore.Delivery d : all) {
            if (d.version() == s.version() && counts.containsKey(d.state())) {
                counts.merge(d.state(), 1, Integer::sum);
            }
        }
        return new Status(
                s, counts, all.stream().filter(d -> d.version() == s.version()).toList());
    }
}
