package io.enginex.edge.server.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.common.graph.Graph;
import io.enginex.edge.common.graph.GraphEnvelope;
import io.enginex.edge.common.graph.GraphException;
import io.enginex.edge.common.graph.GraphFormat;
import io.enginex.edge.common.tuf.TufKey;
import io.enginex.edge.common.tuf.TufSigner;
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
import io.enginex.edge.server.policy.TenantPolicies;
import io.enginex.edge.server.store.Agent;
import io.enginex.edge.server.store.AgentStore;
import io.enginex.edge.server.store.DuplicateException;
import io.enginex.edge.server.store.GraphRecord;
import io.enginex.edge.server.store.GraphStartRecord;
import io.enginex.edge.server.store.GraphStartStore;
import io.enginex.edge.server.store.GraphStore;
import io.enginex.edge.server.store.GraphVersionRecord;
import io.enginex.edge.server.store.PolicyScope;
import io.enginex.edge.server.store.Transactions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Graphs defined on the hub, for every front end: every role of the tenant reads them; admins and
 * owners define them, add versions and withdraw them (as tenant policies). A graph is checked with
 * the agent's own format ({@link GraphFormat}: the schema and the rules beyond it, every problem with
 * its line and JSON pointer) before anything is stored. Versions are immutable; each is signed with
 * the hub's graph key ({@link GraphKey}) when it is made, and the envelope is what agents receive.
 * Each change and its audit event commit together; then the tenant's connected agents are sent the
 * graphs assigned to them ({@link GraphAssignments}) in a {@code policy} frame. Thread-safe.
 */
public final class Graphs {
    /** The largest graph document accepted (a graph has at most 500 steps). */
    public static final int MAX_DOCUMENT_CHARS = 256 * 1024;

    /** Names the document in problems: {@code graph:3: /steps/1: …}. */
    static final String SOURCE = "graph";

    private final GraphStore store;
    private final AgentStore agents;
    private final Audit audit;
    private final TenantGuard guard;
    private final Transactions tx;
    private final LiveViews live;
    private final IdGenerator ids;
    private final Clock clock;
    private final GraphFormat format;
    private final TufSigner signer;
    private final TenantPolicies policies;
    private final GraphStartStore starts;
    private final GraphStartDeliveries deliveries;
    private final Executor senders;
    private final ObjectMapper mapper;

    /** The most characters of JSON a start's input may have. */
    public static final int MAX_INPUT_CHARS = 64 * 1024;

    /** How long a start waits for its agent when the request does not say. */
    public static final Duration START_EXPIRY = Duration.ofHours(24);

    /** The longest a start may wait for its agent. */
    public static final Duration MAX_START_EXPIRY = Duration.ofDays(7);

    /** The most starts one list shows. */
    static final int MAX_STARTS_LISTED = 200;

    /**
     * @param policies sends each change to the tenant's connected agents, with their policies
     * @param starts the starts from the hub
     * @param deliveries sends a start to its agent on the node holding it
     * @param senders sends a start once it is stored and audited
     */
    public Graphs(
            GraphStore store,
            AgentStore agents,
            Audit audit,
            TenantGuard guard,
            Transactions tx,
            LiveViews live,
            IdGenerator ids,
            Clock clock,
            GraphFormat format,
            TufSigner signer,
            TenantPolicies policies,
            GraphStartStore starts,
            GraphStartDeliveries deliveries,
            Executor senders,
            ObjectMapper mapper) {
        this.policies = policies;
        this.starts = starts;
        this.deliveries = deliveries;
        this.senders = senders;
        this.mapper = mapper;
        this.store = store;
        this.agents = agents;
        this.audit = audit;
        this.guard = guard;
        this.tx = tx;
        this.live = live;
        this.ids = ids;
        this.clock = clock;
        this.format = format;
        this.signer = signer;
    }

    /** A graph and one of its versions. */
    public record Version(GraphRecord graph, GraphVersionRecord version) {}

    /** The public key agents check graph signatures with. */
    public TufKey publicKey() {
        return signer.key();
    }

    public List<GraphRecord> list(Caller caller, String tenant) {
        guard.check(caller, tenant);
        return store.list(tenant);
    }

    /** @throws HubException.NotFound {@code graph_not_found} */
    public GraphRecord find(Caller caller, String tenant, String id) {
        guard.check(caller, tenant);
        return graph(tenant, id);
    }

    /** A graph's versions, oldest first. */
    public List<GraphVersionRecord> versions(Caller caller, String tenant, String id) {
        guard.check(caller, tenant);
        graph(tenant, id);
        return store.versions(tenant, id);
    }

    /** @throws HubException.NotFound {@code graph_not_found} or {@code graph_version_not_found} */
    public GraphVersionRecord version(Caller caller, String tenant, String id, int version) {
        guard.check(caller, tenant);
        graph(tenant, id);
        return store.version(tenant, id, version)
                .orElseThrow(() -> new HubException.NotFound(
                        "graph_version_not_found",
                        "graph " + id + " has no version " + version + "; list them with engine graphs show"));
    }

    /**
     * Defines a graph with its version 1, audited {@code graph.created}. The graph's name is the
     * document's {@code name}.
     *
     * @throws HubException.BadRequest {@code invalid_graph} naming every problem with its line and
     *     pointer, {@code invalid_scope}
     * @throws HubException.Conflict {@code graph_exists} when the tenant has a graph of that name
     * @throws HubException.NotFound {@code agent_not_found} for an agent scope naming no agent
     */
    public Creation<Version> create(
            Caller caller,
            String tenant,
            String scopeText,
            String source,
            Origin origin,
            Function<Version, Answer> answer) {
        guard.checkWrite(caller, tenant);
        caller.requireRole(Role.ADMIN);
        return Creation.preparedBy(
                () -> {
                    PolicyScope scope = scope(tenant, scopeText);
                    Graph checked = check(source);
                    store.findByName(tenant, checked.name()).ifPresent(existing -> {
                        throw exists(tenant, existing);
                    });
                    Instant now = clock.instant();
                    GraphRecord graph = new GraphRecord(
                            ids.next("gph"), tenant, checked.name(), scope, 1, now, caller.actorId(), now, null, null);
                    return new Version(graph, signed(graph, 1, source, now, caller));
                },
                made -> {
                    try {
                        store.create(made.graph(), made.version());
                    } catch (DuplicateException e) {
                        throw exists(tenant, made.graph());
                    }
                    record(caller, origin, AuditType.GRAPH_CREATED, made);
                    return made;
                },
                answer,
                this::changed);
    }

    /**
     * Adds the next version of a graph (and, when {@code scopeText} is given, assigns it to that
     * scope), audited {@code graph-version.created}. Earlier versions stay as they were.
     *
     * @param scopeText the new scope, or null to keep the graph's
     * @throws HubException.BadRequest {@code invalid_graph} (also when the document's name is not the
     *     graph's), {@code invalid_scope}
     * @throws HubException.NotFound {@code graph_not_found}
     * @throws HubException.Conflict {@code graph_withdrawn}, or {@code graph_version_conflict} when
     *     another version was added at the same moment
     */
    public Creation<Version> addVersion(
            Caller caller,
            String tenant,
            String id,
            String scopeText,
            String source,
            Origin origin,
            Function<Version, Answer> answer) {
        guard.checkWrite(caller, tenant);
        caller.requireRole(Role.ADMIN);
        return Creation.preparedBy(
                () -> {
                    GraphRecord graph = graph(tenant, id);
                    if (graph.withdrawn()) {
                        throw withdrawn(graph);
                    }
                    PolicyScope scope = scopeText == null ? graph.scope() : scope(tenant, scopeText);
                    Graph checked = check(source);
                    if (!checked.name().equals(graph.name())) {
                        throw new HubException.BadRequest(
                                "invalid_graph",
                                "the document is named " + checked.name() + " but graph " + id + " is "
                                        + graph.name() + "; a version keeps its graph's name (define a new graph"
                                        + " for another name)");
                    }
                    Instant now = clock.instant();
                    int next = graph.latestVersion() + 1;
                    GraphRecord updated = new GraphRecord(
                            graph.id(),
                            tenant,
                            graph.name(),
                            scope,
                            next,
                            graph.createdAt(),
                            graph.createdBy(),
                            now,
                            null,
                            null);
                    return new Version(updated, signed(updated, next, source, now, caller));
                },
                made -> {
                    if (!store.addVersion(
                            made.version(), made.graph().scope(), made.graph().updatedAt())) {
                        throw new HubException.Conflict(
                                "graph_version_conflict",
                                "graph " + id + " changed while version "
                                        + made.version().version()
                                        + " was being added (another version, or withdrawn); look at it with"
                                        + " engine graphs show and try again");
                    }
                    record(caller, origin, AuditType.GRAPH_VERSION_CREATED, made);
                    return made;
                },
                answer,
                this::changed);
    }

    /**
     * Withdraws a graph, audited {@code graph.withdrawn}: it is sent to no agent any more. Its
     * versions are kept. Withdrawing a withdrawn graph changes nothing.
     *
     * @throws HubException.NotFound {@code graph_not_found}
     */
    public GraphRecord withdraw(Caller caller, String tenant, String id, Origin origin) {
        guard.checkWrite(caller, tenant);
        caller.requireRole(Role.ADMIN);
        GraphRecord result = tx.inTransaction(() -> {
            GraphRecord graph = graph(tenant, id);
            if (store.withdraw(tenant, id, caller.actorId(), clock.instant())) {
                audit.record(
                        tenant,
                        AuditType.GRAPH_WITHDRAWN,
                        Actor.of(caller),
                        origin.sourceIp(),
                        new Audit.Target("graph", id),
                        Audit.Outcome.SUCCESS,
                        origin.tag(Map.of(
                                "name", graph.name(), "scope", graph.scope().wire())));
            }
            return graph(tenant, id);
        });
        pushed(tenant);
        return result;
    }

    /**
     * A start from the hub, as stored: {@code state} {@code queued} until a node sends it to the agent
     * ({@code sent}), unless it is cancelled or expires first.
     */
    public record Started(
            String startId,
            String tenant,
            String graphId,
            String graph,
            int version,
            String agentId,
            JsonNode input,
            String by,
            Instant at,
            Instant expiresAt,
            String state) {
        static Started of(GraphStartRecord r, JsonNode input, Instant now) {
            return new Started(
                    r.id(),
                    r.tenantId(),
                    r.graphId(),
                    r.graphName(),
                    r.graphVersion(),
                    r.agentId(),
                    input,
                    r.startedBy(),
                    r.createdAt(),
                    r.expiresAt(),
                    r.shownState(now));
        }
    }

    /**
     * Starts a graph on an agent, audited {@code graph.started}: the start is stored {@code queued} and
     * sent to the agent in a {@code graphStart} frame by the node it is connected to, now, or after its
     * next hello if it is offline ({@link GraphStartDeliveries}); a start not sent within {@code
     * expiresIn} never is. The agent runs the graph it was assigned under the graph's name with the
     * trigger {@code hub} and {@code input}; the run carries the start's id. Operators and up. A retry
     * with the same key answers the same start and sends it again only if it is still queued.
     *
     * @param input a JSON object, or null for {@code {}}
     * @param expiresIn how long the start may wait for the agent, or null for {@link #START_EXPIRY}
     * @throws HubException.NotFound {@code graph_not_found}, {@code agent_not_found}
     * @throws HubException.BadRequest {@code invalid_input}, {@code invalid_expiry}
     * @throws HubException.Conflict {@code graph_withdrawn}, {@code graph_not_assigned} (the graph's
     *     scope does not cover the agent)
     */
    public Creation<Started> start(
            Caller caller,
            String tenant,
            String id,
            String agentId,
            JsonNode input,
            Duration expiresIn,
            Origin origin,
            Function<Started, Answer> answer) {
        guard.checkWrite(caller, tenant);
        caller.requireRole(Role.OPERATOR);
        return Creation.preparedBy(
                        () -> {
                            GraphRecord graph = graph(tenant, id);
                            Agent agent = agents.find(tenant, agentId)
                                    .filter(a -> !a.revoked())
                                    .orElseThrow(() -> new HubException.NotFound(
                                            "agent_not_found",
                                            "tenant " + tenant + " has no agent " + agentId
                                                    + "; list them with engine agents list"));
                            if (graph.withdrawn()) {
                                throw new HubException.Conflict(
                                        "graph_withdrawn",
                                        "graph " + graph.id() + " (" + graph.name() + ") was withdrawn at "
                                                + graph.withdrawnAt() + "; it is not started any more");
                            }
                            if (!graph.scope().covers(agent.id(), agent.labels())) {
                                throw new HubException.Conflict(
                                        "graph_not_assigned",
                                        "graph " + graph.id() + " is assigned to "
                                                + graph.scope().wire() + ", which does not"
                                                + " cover agent " + agentId
                                                + "; start it on an agent of that scope, or"
                                                + " change the scope with engine graphs update --scope");
                            }
                            JsonNode checked = input(input);
                            Instant now = clock.instant();
                            return new GraphStartRecord(
                                    ids.next("gst"),
                                    tenant,
                                    graph.id(),
                                    graph.name(),
                                    graph.latestVersion(),
                                    agentId,
                                    checked.toString(),
                                    caller.actorId(),
                                    now,
                                    now.plus(expiry(expiresIn)),
                                    GraphStartRecord.QUEUED,
                                    null,
                                    null,
                                    null,
                                    null);
                        },
                        row -> {
                            starts.insert(row);
                            audit.record(
                                    tenant,
                                    AuditType.GRAPH_STARTED,
                                    Actor.of(caller),
                                    origin.sourceIp(),
                                    new Audit.Target("graph", row.graphId()),
                                    Audit.Outcome.SUCCESS,
                                    origin.tag(Map.of(
                                            "name", row.graphName(),
                                            "version", row.graphVersion(),
                                            "agentId", row.agentId(),
                                            "startId", row.id(),
                                            "expiresAt", row.expiresAt().toString())));
                            return Started.of(row, input(input), row.createdAt());
                        },
                        answer,
                        started -> {
                            senders.execute(() -> deliveries.offer(tenant, started.agentId(), started.startId()));
                            return started;
                        })
                .resumedBy(startId -> starts.find(tenant, startId)
                        .filter(s -> s.shownState(clock.instant()).equals(GraphStartRecord.QUEUED))
                        .ifPresent(s -> senders.execute(() -> deliveries.offer(tenant, s.agentId(), s.id()))));
    }

    /** The tenant's starts from the hub, newest first (of one agent when {@code agentId} is not null). */
    public List<Started> starts(Caller caller, String tenant, String agentId) {
        guard.check(caller, tenant);
        Instant now = clock.instant();
        return starts.list(tenant, agentId, MAX_STARTS_LISTED).stream()
                .map(s -> Started.of(s, json(s), now))
                .toList();
    }

    /** @throws HubException.NotFound {@code graph_start_not_found} */
    public Started startOf(Caller caller, String tenant, String startId) {
        guard.check(caller, tenant);
        GraphStartRecord s = startRecord(tenant, startId);
        return Started.of(s, json(s), clock.instant());
    }

    /**
     * Cancels a queued start, audited {@code graph-start.cancelled}: it is never sent. Operators and up.
     *
     * @throws HubException.NotFound {@code graph_start_not_found}
     * @throws HubException.Conflict {@code graph_start_not_queued} when it was sent, cancelled or expired
     */
    public Started cancelStart(Caller caller, String tenant, String startId, Origin origin) {
        guard.checkWrite(caller, tenant);
        caller.requireRole(Role.OPERATOR);
        Instant now = clock.instant();
        GraphStartRecord cancelled = tx.inTransaction(() -> {
            GraphStartRecord s = startRecord(tenant, startId);
            String state = s.shownState(now);
            if (!state.equals(GraphStartRecord.QUEUED) || !starts.cancel(tenant, startId, caller.actorId(), now)) {
                throw new HubException.Conflict(
                        "graph_start_not_queued",
                        "graph start " + startId + " is " + (state.equals(GraphStartRecord.QUEUED) ? "sent" : state)
                                + "; only a queued start can be cancelled (a run the agent started is stopped on"
                                + " the machine)");
            }
            audit.record(
                    tenant,
                    AuditType.GRAPH_START_CANCELLED,
                    Actor.of(caller),
                    origin.sourceIp(),
                    new Audit.Target("graph-start", startId),
                    Audit.Outcome.SUCCESS,
                    origin.tag(Map.of("graphId", s.graphId(), "agentId", s.agentId())));
            return startRecord(tenant, startId);
        });
        live.changed(tenant);
        return Started.of(cancelled, json(cancelled), now);
    }

    private GraphStartRecord startRecord(String tenant, String startId) {
        return starts.find(tenant, startId)
                .orElseThrow(() -> new HubException.NotFound(
                        "graph_start_not_found",
                        "tenant " + tenant + " has no graph start " + startId + "; list them with GET /api/v1/tenants/"
                                + tenant + "/graph-starts"));
    }

    private JsonNode json(GraphStartRecord s) {
        try {
            return mapper.readTree(s.input());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("graph start " + s.id() + " has an input that is not JSON", e);
        }
    }

    private static Duration expiry(Duration expiresIn) {
        if (expiresIn == null) {
            return START_EXPIRY;
        }
        if (expiresIn.compareTo(Duration.ofMinutes(1)) < 0 || expiresIn.compareTo(MAX_START_EXPIRY) > 0) {
            throw new HubException.BadRequest(
                    "invalid_expiry",
                    "\"expiresIn\" must be between 1m and " + MAX_START_EXPIRY.toDays() + "d, like 30m, 12h or 2d");
        }
        return expiresIn;
    }

    private static JsonNode input(JsonNode input) {
        if (input == null || input.isNull()) {
            return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        }
        if (!input.isObject()) {
            throw new HubException.BadRequest(
                    "invalid_input", "\"input\" must be a JSON object, like {\"day\":\"2026-12-05\"}");
        }
        for (String reserved : List.of("trigger", "startId", "by")) {
            if (input.has(reserved)) {
                throw new HubException.BadRequest(
                        "invalid_input",
                        "\"input\" may not have a field \"" + reserved + "\": the agent sets trigger, startId and by"
                                + " itself; rename that field");
            }
        }
        int chars = input.toString().length();
        if (chars > MAX_INPUT_CHARS) {
            throw new HubException.BadRequest(
                    "invalid_input",
                    "\"input\" is " + chars + " characters of JSON; at most " + MAX_INPUT_CHARS
                            + " are accepted (pass a path to a file instead)");
        }
        return input;
    }

    private Version changed(Version made) {
        pushed(made.graph().tenantId());
        return made;
    }

    /**
     * Sends the tenant's connected agents the graphs assigned to them now (all of the tenant's agents:
     * a new scope may have dropped some), with their policies, on every node; then tells live views.
     */
    private void pushed(String tenant) {
        policies.push(tenant, new PolicyScope(PolicyScope.TENANT, ""));
        live.changed(tenant);
    }

    private void record(Caller caller, Origin origin, AuditType type, Version made) {
        audit.record(
                made.graph().tenantId(),
                type,
                Actor.of(caller),
                origin.sourceIp(),
                new Audit.Target("graph", made.graph().id()),
                Audit.Outcome.SUCCESS,
                origin.tag(Map.of(
                        "name", made.graph().name(),
                        "scope", made.graph().scope().wire(),
                        "version", made.version().version(),
                        "sha256", made.version().sha256())));
    }

    private GraphVersionRecord signed(GraphRecord graph, int version, String source, Instant now, Caller caller) {
        String sha = GraphEnvelope.sha256(source);
        var issued = new GraphEnvelope.Issued(
                graph.tenantId(),
                graph.id(),
                graph.name(),
                version,
                graph.scope().wire(),
                source,
                sha);
        String envelope = GraphEnvelope.sign(issued, now, signer).toString();
        return new GraphVersionRecord(
                graph.id(), version, graph.tenantId(), source, sha, envelope, now, caller.actorId());
    }

    /**
     * Checks a graph document with the agent's format.
     *
     * @throws HubException.BadRequest {@code invalid_graph}
     */
    Graph check(String source) {
        if (source == null || source.isBlank()) {
            throw new HubException.BadRequest(
                    "invalid_graph",
                    "the graph is required: \"source\" (the graph file's text) or \"document\" (its JSON object);"
                            + " the format is in docs/GRAPHS.md");
        }
        if (source.length() > MAX_DOCUMENT_CHARS) {
            throw new HubException.BadRequest(
                    "invalid_graph",
                    "the graph is " + source.length() + " characters; at most " + MAX_DOCUMENT_CHARS + " are accepted");
        }
        try {
            return format.parse(source, SOURCE);
        } catch (GraphException e) {
            throw new HubException.BadRequest(
                    "invalid_graph", e.getMessage() + "\n(each problem: graph:LINE: /json/pointer: what to change)");
        }
    }

    private PolicyScope scope(String tenant, String text) {
        PolicyScope scope = PolicyScope.parse(text);
        if (scope.kind().equals(PolicyScope.AGENT)
                && agents.find(tenant, scope.value()).isEmpty()) {
            throw new HubException.NotFound(
                    "agent_not_found", "tenant " + tenant + " has no agent " + scope.value() + "; check the scope");
        }
        return scope;
    }

    private GraphRecord graph(String tenant, String id) {
        return store.find(tenant, id)
                .orElseThrow(() -> new HubException.NotFound(
                        "graph_not_found",
                        "tenant " + tenant + " has no graph " + id + "; list them with engine graphs list"));
    }

    private static HubException exists(String tenant, GraphRecord existing) {
        return new HubException.Conflict(
                "graph_exists",
                "tenant " + tenant + " has a graph named " + existing.name() + " already (" + existing.id()
                        + "); add a version to it with POST /api/v1/tenants/" + tenant + "/graphs/" + existing.id()
                        + "/versions (engine graphs update)");
    }

    private static HubException withdrawn(GraphRecord graph) {
        return new HubException.Conflict(
                "graph_withdrawn",
                "graph " + graph.id() + " (" + graph.name() + ") was withdrawn at " + graph.withdrawnAt()
                        + "; it takes no new versions. Define a new graph (under another name) instead");
    }
}
