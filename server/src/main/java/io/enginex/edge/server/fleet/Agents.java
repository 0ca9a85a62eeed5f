package io.enginex.edge.server.fleet;

import io.enginex.edge.protocol.TenantPolicy;
import io.enginex.edge.server.HubException;
import io.enginex.edge.server.LiveViews;
import io.enginex.edge.server.audit.Actor;
import io.enginex.edge.server.audit.Audit;
import io.enginex.edge.server.audit.AuditType;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.auth.Origin;
import io.enginex.edge.server.auth.Role;
import io.enginex.edge.server.auth.TenantGuard;
import io.enginex.edge.server.connection.ConnectionRegistry;
import io.enginex.edge.server.policy.TenantPolicies;
import io.enginex.edge.server.registration.RegistrationTokens;
import io.enginex.edge.server.store.Agent;
import io.enginex.edge.server.store.AgentMachine;
import io.enginex.edge.server.store.AgentPause;
import io.enginex.edge.server.store.AgentQuery;
import io.enginex.edge.server.store.AgentStore;
import io.enginex.edge.server.store.AgentUpdate;
import io.enginex.edge.server.store.AgentUpdateStore;
import io.enginex.edge.server.store.ConnectionHistoryStore;
import io.enginex.edge.server.store.ConnectionRecord;
import io.enginex.edge.server.store.Job;
import io.enginex.edge.server.store.JobStore;
import io.enginex.edge.server.store.MachineStore;
import io.enginex.edge.server.store.Transactions;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A tenant's agents as use cases, for every front end: list, look at one (its machine, pause,
 * deregistration, policies, recent jobs and connections), page through its connection history, and
 * revoke it. Every method authorises the caller for the tenant ({@link TenantGuard}); a revocation
 * and its audit event commit together, then the agent's sockets on this node are closed and live
 * views told. Thread-safe.
 */
public final class Agents {
    private static final Logger log = LoggerFactory.getLogger(Agents.class);

    /** The most connection records one page may ask for. */
    public static final int MAX_CONNECTIONS_PAGE = 500;

    private final AgentStore agents;
    private final MachineStore machines;
    private final ConnectionHistoryStore connections;
    private final JobStore jobs;
    private final ConnectionRegistry registry;
    private final TenantPolicies policies;
    private final AgentUpdateStore updates;
    private final Audit audit;
    private final TenantGuard guard;
    private final Transactions tx;
    private final LiveViews live;
    private final Clock clock;

    /** The stores and live parts an agent's facts come from. */
    public record Parts(
            AgentStore agents,
            MachineStore machines,
            ConnectionHistoryStore connections,
            JobStore jobs,
            ConnectionRegistry registry,
            TenantPolicies policies,
            AgentUpdateStore updates) {}

    public Agents(Parts parts, Audit audit, TenantGuard guard, Transactions tx, LiveViews live, Clock clock) {
        this.agents = parts.agents();
        this.machines = parts.machines();
        this.connections = parts.connections();
        this.jobs = parts.jobs();
        this.registry = parts.registry();
        this.policies = parts.policies();
        this.updates = parts.updates();
        this.audit = audit;
        this.guard = guard;
        this.tx = tx;
        this.live = live;
        this.clock = clock;
    }

    /** The tenant's agents, revoked ones included. */
    public List<Agent> list(Caller caller, String tenant) {
        guard.check(caller, tenant);
        return agents.list(tenant);
    }

    /** One page of the tenant's agents that are not archived (rows without tools), and how many match. */
    public AgentQuery.Page page(Caller caller, String tenant, AgentQuery query) {
        guard.check(caller, tenant);
        return agents.page(tenant, query);
    }

    /** @throws HubException.NotFound {@code agent_not_found} */
    public Agent find(Caller caller, String tenant, String id) {
        guard.check(caller, tenant);
        return require(tenant, id);
    }

    /**
     * What is known of an agent beyond its row.
     *
     * @param machine its machine and the agents it replaced, or null if it sent no machine id
     * @param pause who paused it at its machine, or null
     * @param deregisteredAt when it left by itself, or null
     * @param effectivePolicy the effective policy it reported (JSON), or null
     * @param update its update state as it last reported it, or null (it never did: an older agent)
     * @param archivedAt when an operator archived it (after revoking it), or null
     * @param sessions its last report of the users' session parts connected to it, or null if it never
     *     sent one ({@link SignedInUsers#of} says whether it describes now)
     */
    public record Facts(
            Agent agent,
            AgentMachine machine,
            AgentPause pause,
            Instant deregisteredAt,
            String effectivePolicy,
            AgentUpdate update,
            Instant archivedAt,
            io.enginex.edge.server.store.AgentSessionReport sessions) {
        /** Whether it registered but never connected: no hello was ever answered. */
        public boolean neverConnected() {
            return agent.lastSeenAt() == null;
        }
    }

    /** The facts of {@code agent} (one the caller found through this service). */
    public Facts facts(Agent agent) {
        String tenant = agent.tenantId();
        return new Facts(
                agent,
                machines.find(tenant, agent.id()).orElse(null),
                agents.findPause(tenant, agent.id()).orElse(null),
                agents.findDeregistered(tenant, agent.id()).orElse(null),
                agents.effectivePolicy(tenant, agent.id()).orElse(null),
                updates.find(tenant, agent.id()).orElse(null),
                agents.findArchived(tenant, agent.id()).orElse(null),
                agents.findSessionReport(tenant, agent.id()).orElse(null));
    }

    /** The tenant policies that apply to {@code agent} (one the caller found through this service). */
    public List<TenantPolicy> applicablePolicies(Agent agent) {
        return policies.applicable(agent);
    }

    /** The agent's latest jobs, newest first, at most {@code limit}. */
    public List<Job> recentJobs(Caller caller, String tenant, String id, int limit) {
        guard.check(caller, tenant);
        return jobs.listByAgent(tenant, id, limit);
    }

    /**
     * One page of the agent's connections, newest first: at most {@code limit}, older than the
     * record {@code before} (null: the newest).
     *
     * @return up to {@code limit + 1} records; one more than {@code limit} means there are more
     * @throws HubException.BadRequest for a limit outside 1-{@link #MAX_CONNECTIONS_PAGE}
     * @throws HubException.NotFound {@code agent_not_found}
     */
    public List<ConnectionRecord> connections(Caller caller, String tenant, String id, String before, int limit) {
        guard.check(caller, tenant);
        if (limit < 1 || limit > MAX_CONNECTIONS_PAGE) {
            throw new HubException.BadRequest("limit must be 1-" + MAX_CONNECTIONS_PAGE + "; got " + limit);
        }
        Agent agent = require(tenant, id);
        return connections.list(tenant, agent.id(), before, limit + 1);
    }

    /**
     * Revokes an agent: the revocation and {@code agent.revoked} (the first time only) commit
     * together; then its sockets on this node are closed, also when it was revoked before (a socket
     * must never outlive its revocation), and live views are told.
     *
     * @return the agent as it is now
     * @throws HubException.NotFound {@code agent_not_found}
     */
    public Agent revoke(Caller caller, String tenant, String id, Origin origin) {
        guard.checkWrite(caller, tenant);
        require(tenant, id);
        boolean now = tx.inTransaction(() -> {
            boolean revoked = agents.revoke(tenant, id, clock.instant());
            if (revoked) {
                audit.record(
                        tenant,
                        AuditType.AGENT_REVOKED,
                        Actor.of(caller),
                        origin.sourceIp(),
                        new Audit.Target("agent", id),
                        Audit.Outcome.SUCCESS,
                        origin.tag(Map.of("socketsClosed", openSockets(tenant, id))));
            }
            return revoked;
        });
        int closed = registry.cutOff(tenant, id, "agent revoked");
        if (now) {
            log.atInfo()
                    .addKeyValue("agentId", id)
                    .addKeyValue("tenant", tenant)
                    .addKeyValue("socketsClosed", closed)
                    .log("agent revoked");
        }
        live.changed(tenant);
        return require(tenant, id);
    }

    /**
     * Replaces an agent's labels (operators and up), checked as registration checks them, and audits
     * {@code agent.relabelled} with the labels before and after, in one transaction; live views are
     * told. The policies that apply by label follow at the agent's next connection.
     *
     * @return the agent as it is now
     * @throws HubException.NotFound {@code agent_not_found}
     * @throws HubException.BadRequest for a label that breaks the rules (named)
     */
    public Agent setLabels(Caller caller, String tenant, String id, List<String> labels, Origin origin) {
        guard.checkWrite(caller, tenant);
        caller.requireRole(Role.OPERATOR);
        List<String> checked = RegistrationTokens.checkLabels(labels);
        Agent before = require(tenant, id);
        tx.run(() -> {
            agents.setLabels(tenant, id, checked);
            audit.record(
                    tenant,
                    AuditType.AGENT_RELABELLED,
                    Actor.of(caller),
                    origin.sourceIp(),
                    new Audit.Target("agent", id),
                    Audit.Outcome.SUCCESS,
                    origin.tag(Map.of("labels", checked, "previous_labels", before.labels())));
        });
        live.changed(tenant);
        return require(tenant, id);
    }

    /**
     * Archives a revoked agent (operators and up): it leaves the fleet page's list and counts, and
     * keeps its row, jobs and audit trail; audited {@code agent.archived} the first time, in one
     * transaction. Archiving an archived agent changes nothing.
     *
     * @return the agent's facts as they are now
     * @throws HubException.NotFound {@code agent_not_found}
     * @throws HubException.Conflict {@code agent_not_revoked}: revoke it first
     */
    public Facts archive(Caller caller, String tenant, String id, Origin origin) {
        guard.checkWrite(caller, tenant);
        caller.requireRole(Role.OPERATOR);
        Agent agent = require(tenant, id);
        if (!agent.revoked()) {
            throw new HubException.Conflict(
                    "agent_not_revoked",
                    "agent " + id + " (" + agent.hostname() + ") is not revoked; only a revoked agent can be archived,"
                            + " so revoke it first (POST …/agents/" + id + "/revoke)");
        }
        tx.run(() -> {
            if (agents.archive(tenant, id, clock.instant())) {
                audit.record(
                        tenant,
                        AuditType.AGENT_ARCHIVED,
                        Actor.of(caller),
                        origin.sourceIp(),
                        new Audit.Target("agent", id),
                        Audit.Outcome.SUCCESS,
                        origin.tag(Map.of("hostname", agent.hostname())));
            }
        });
        live.changed(tenant);
        return facts(require(tenant, id));
    }

    /** The ids of the tenant's archived agents, which the fleet page leaves out. */
    public java.util.Set<String> archivedIds(Caller caller, String tenant) {
        guard.check(caller, tenant);
        return agents.archivedIds(tenant);
    }

    /** The agent's sockets on this node, which the revocation is about to close. */
    private int openSockets(String tenant, String id) {
        return (int) registry.sockets().stream()
                .filter(c -> c.tenantId().equals(tenant) && c.agentId().equals(id))
                .count();
    }

    private Agent require(String tenant, String id) {
        return agents.find(tenant, id)
                .orElseThrow(() -> new HubException.NotFound(
                        "agent_not_found",
                        "tenant " + tenant + " has no agent " + id + "; list them on the fleet page or with GET"));
    }
}
