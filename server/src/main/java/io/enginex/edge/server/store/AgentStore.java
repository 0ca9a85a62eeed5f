package io.enginex.edge.server.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

public interface AgentStore {
    Agent create(Agent agent);

    Optional<Agent> find(String tenantId, String id);

    /** Not tenant-scoped: used only to authenticate an agent by the id in its signed assertion. */
    Optional<Agent> findForAuthentication(String id);

    List<Agent> list(String tenantId);

    /** Records what the agent said in its hello. */
    void updateHello(
            String tenantId,
            String id,
            String hostname,
            String os,
            String arch,
            String agentVersion,
            String toolsJson,
            Instant now);

    void touch(String tenantId, String id, Instant now);

    /**
     * Records what the agent advertised after applying its tenant policies: its effective tools
     * (replacing those of its hello) and its effective policy summary. A hello clears the summary,
     * so an agent that stops advertising (a downgrade) shows none rather than a stale one.
     */
    void updateAdvertised(String tenantId, String id, String toolsJson, String effectivePolicyJson, Instant now);

    /** The effective policy summary the agent last advertised, or empty. */
    Optional<String> effectivePolicy(String tenantId, String id);

    /** @return false if no such agent in this tenant, or it was already revoked */
    boolean revoke(String tenantId, String id, Instant now);

    /**
     * Replaces the agent's public key if it is still {@code oldPublicKey} and the agent is not
     * revoked (so two rotations racing cannot both win).
     *
     * @return whether the key was replaced
     */
    boolean replacePublicKey(String tenantId, String id, String oldPublicKey, String newPublicKey);

    /**
     * Revokes the agent because it deregistered itself, and records when.
     *
     * @return false if no such agent in this tenant, or it was already revoked
     */
    boolean deregister(String tenantId, String id, Instant now);

    /** When the agent deregistered itself; empty if it did not (it may still be revoked by an operator). */
    Optional<Instant> findDeregistered(String tenantId, String id);

    /**
     * Records the agent's pause as it reported it: {@code pause} null means it takes jobs again.
     *
     * @return the pause recorded before, if any
     */
    Optional<AgentPause> recordPause(String tenantId, String id, AgentPause pause);

    /** The agent's pause, if it last reported one. */
    Optional<AgentPause> findPause(String tenantId, String id);

    /**
     * Replaces the session parts the agent reported connected (an empty list: none), received at {@code
     * reportedAt}. Reports of one agent are applied one at a time (its row is locked), so the list
     * returned is the one this report replaced, never one a concurrent report also replaced.
     *
     * @return the parts recorded before, by user name; empty when none (or it never reported, or no such
     *     agent in this tenant: then nothing is recorded)
     */
    List<AgentSessionPart> recordSessionParts(
            String tenantId, String id, List<AgentSessionPart> parts, Instant reportedAt);

    /**
     * Records that one of the agent's session parts started or ended, unless that part's event was
     * recorded before (the key is user, {@code since} and event), so the caller audits it only when this
     * returns true. Joins the caller's transaction ({@link Transactions}), so the event, the list of parts
     * and the audit event commit or roll back together.
     *
     * @return true when recorded now; false when it was recorded before
     */
    boolean recordSessionEvent(String tenantId, String id, AgentSessionEvent event);

    /** The agent's recorded session-part events, oldest {@code receivedAt} first. */
    List<AgentSessionEvent> findSessionEvents(String tenantId, String id);

    /** The agent's last report of its session parts; empty when it never reported one. */
    Optional<AgentSessionReport> findSessionReport(String tenantId, String id);

    /** Replaces the agent's labels; false if no such agent in this tenant. */
    boolean setLabels(String tenantId, String id, List<String> labels);

    /**
     * Archives a revoked agent.
     *
     * @return false if no such agent in this tenant, it is not revoked, or it was archived already
     */
    boolean archive(String tenantId, String id, Instant now);

    /** When the agent was archived; empty if it was not. */
    Optional<Instant> findArchived(String tenantId, String id);

    /** The ids of the tenant's archived agents. */
    Set<String> archivedIds(String tenantId);

    /**
     * One page of the tenant's agents that are not archived, matching {@code query}, and how many match.
     * The rows carry no tools (their {@code toolsJson} is {@code []}): a list never shows them.
     */
    AgentQuery.Page page(String tenantId, AgentQuery query);

    /** The counts by OS and version of the tenant's agents that are not archived, in one query. */
    AgentQuery.Facets facets(String tenantId);
}
