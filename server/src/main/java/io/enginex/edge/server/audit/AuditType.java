package io.enginex.edge.server.audit;

import java.util.Locale;

/** The kinds of security-relevant event the hub records; {@link #wire()} is the API's {@code type}. */
public enum AuditType {
    LOGIN_SUCCEEDED,
    LOGIN_FAILED,
    /** A user ended a login session. */
    SESSION_ENDED,
    USER_CREATED,
    /** A user's role changed (details: role, previous_role, reason: the groups their OpenID provider listed). */
    USER_UPDATED,
    /** An admin disabled a user: they cannot sign in and their sessions ended (details: email, role). */
    USER_DISABLED,
    /** An admin enabled a disabled user again (details: email, role). */
    USER_ENABLED,
    PASSWORD_RESET,
    /** A user chose a new password themselves (details: whether a one-time password was replaced). */
    PASSWORD_CHANGED,
    TENANT_CREATED,
    /** A tenant's settings changed (details: the setting and its new value). */
    TENANT_UPDATED,
    API_KEY_CREATED,
    API_KEY_REVOKED,
    TOKEN_CREATED,
    TOKEN_REVOKED,
    /** A registration token was redeemed (outcome success) or refused (failure). */
    TOKEN_USED,
    AGENT_ENROLLED,
    AGENT_REVOKED,
    AGENT_KEY_ROTATED,
    /** An operator replaced an agent's labels (details: labels, previous_labels). */
    AGENT_RELABELLED,
    /** An operator archived a revoked agent: it leaves the fleet page, its history stays. */
    AGENT_ARCHIVED,
    /** An agent deregistered itself (signed with its own key); it is revoked from then on. */
    AGENT_DEREGISTERED,
    /** The person at an agent's machine paused its local actions (reported by the agent). */
    AGENT_PAUSED,
    /** The person at an agent's machine resumed its local actions (reported by the agent). */
    AGENT_RESUMED,
    /**
     * A user's session part connected to an agent's service, as the agent reported it (actor: the agent;
     * details: agentId, user, sessionType, since).
     */
    AGENT_SESSION_STARTED,
    /**
     * A user's session part was gone from an agent's report (actor: the agent; details: agentId, user,
     * sessionType, since, lastReportedAt: the last report that listed it).
     */
    AGENT_SESSION_ENDED,
    DEVICE_APPROVED,
    DEVICE_DENIED,
    /** A tenant policy was created or replaced (details: scope, action). */
    POLICY_CHANGED,
    /** A tenant policy was deleted (details: scope). */
    POLICY_DELETED,
    /** A graph was defined on the hub, with its version 1 (details: name, scope, version, sha256). */
    GRAPH_CREATED,
    /** A new version of a graph was added (details: name, scope, version, sha256). */
    GRAPH_VERSION_CREATED,
    /** A graph was withdrawn: no agent is sent it any more (details: name, scope). */
    GRAPH_WITHDRAWN,
    /**
     * A graph was started from the hub on an agent (details: name, version, agentId, startId).
     */
    GRAPH_STARTED,
    /** A queued start of a graph from the hub was cancelled: it is never sent (details: graphId, agentId). */
    GRAPH_START_CANCELLED,
    /** A person approved a graph step that waited for approval (details: agent, run, step, graph, tool, reason). */
    GRAPH_STEP_APPROVED,
    /** A person denied a graph step that waited for approval (details: agent, run, step, graph, tool, reason). */
    GRAPH_STEP_DENIED,
    /**
     * A step output an agent kept as a file arrived in full and its SHA-256 matched (actor: the agent;
     * target: the step record; details: runId, bytes, sha256), or was refused (outcome failure;
     * details: reason).
     */
    GRAPH_OUTPUT_STORED,
    /** A step output file was downloaded (target: the step record; details: runId, bytes). */
    GRAPH_OUTPUT_DOWNLOADED,
    /**
     * A tool call of a graph step, as the agent's audit log recorded it on the machine (offline or not),
     * uploaded at sync (actor: the agent; target: the step record; outcome: success, failure or denied;
     * details: deviceAt, the device's clock; jobId, tool, attempt, recordId, and code and message when
     * it did not succeed). The event's time is when it arrived.
     */
    GRAPH_STEP_AUDITED,
    /**
     * An agent told the hub that a graph step waiting for approval there was decided at the machine (actor: the
     * agent; details: runId, step, graph, approved, by, decidedAt on the device's clock, reason).
     */
    GRAPH_STEP_LOCAL_DECISION_RECORDED,
    /** A tenant admin pinned the tenant's agents' updates to a channel or a version (details: channel or version). */
    UPDATE_PIN_CHANGED,
    /** A tenant admin removed the tenant's update pin (details: the channel or version it pinned). */
    UPDATE_PIN_DELETED,
    /**
     * The hub halted a release's rollout by itself because too many agents failed it (actor: system;
     * target: the channel; details: version, ring, and the counts of this tenant's agents, or in the
     * platform's trail of the whole fleet). Recorded for each tenant with agents on the channel.
     */
    RELEASE_HALTED,
    /** The tenant's MCP tool rules were set (details: the rules) or, with details action cleared, removed. */
    MCP_TOOL_RULES_CHANGED,
    /**
     * A tenant's single sign-on (OpenID provider) was set (details: action, issuer, client_id,
     * groups_claim, role_map, whether the client secret was set or kept; never the secret).
     */
    OIDC_CONFIGURED,
    /** A tenant's single sign-on was removed (details: issuer). */
    OIDC_REMOVED,
    /**
     * A tenant admin registered a webhook endpoint (target: the endpoint; details: url, eventTypes;
     * never its secret).
     */
    WEBHOOK_CREATED,
    /** A tenant admin deleted a webhook endpoint (details: url). */
    WEBHOOK_DELETED,
    /** A person approved a job that needed approval. */
    JOB_APPROVED,
    /** A person denied a job that needed approval. */
    JOB_DENIED,
    /** A session page link was revoked (details: sessionId, issuedTo). */
    PAGE_LINK_REVOKED,
    /**
     * A job was created (actor: the user, or the API key the runtime or a script used; target: the
     * job; details: session, agent, tool, state).
     */
    JOB_CREATED,
    /**
     * A job ended (actor: the agent that answered it, or the hub for a deadline or a paused agent;
     * target: the job; details: state, and errorCode when it did not succeed). With job.created,
     * job.approved and job.denied it is the source of the job event streams and webhooks.
     */
    JOB_FINISHED,
    /**
     * The person at the machine answered (or did not, before the timeout) whether a job may run a tool
     * the policy marks consentRequired (actor: the agent that reported it; target: the job, or the graph
     * step {@code RUN_ID:STEP_ID} whose step record carried it, recorded when that record first arrives; details:
     * tool, user, answer, via, answeredBy, askedAt, answeredAt (device times), shown, request, and
     * requestedBy when the agent was told who asked for the job; outcome
     * success only when allowed).
     */
    CONSENT_ANSWERED,
    /**
     * An MCP client's session made its first tool call, which made the hub session its calls run in
     * (actor: the API key; target: the session; details: mcpSessionId, clientName, clientVersion).
     */
    MCP_SESSION_STARTED,
    /**
     * An MCP client registered itself for OAuth (RFC 7591; hub-wide, no tenant; actor: anonymous, the
     * client's name; target: the client; details: clientName, redirectUris).
     */
    OAUTH_CLIENT_REGISTERED,
    /**
     * A person let an MCP client act as them (OAuth consent; actor: the user; target: the grant;
     * details: clientId, clientName, redirectUri, resource).
     */
    OAUTH_GRANT_CREATED,
    /**
     * An MCP client's OAuth grant was revoked, with every token of it (actor: the client, revoking its
     * own token (RFC 7009), or the hub on a reused code or refresh token; target: the grant; details:
     * clientId, clientName, reason).
     */
    OAUTH_GRANT_REVOKED,
    /**
     * A machine tried to enrol and was refused: an expired, revoked or used-up registration token of
     * the tenant, a valid token's rate limit (at most once per token and address a minute), or a
     * device request an admin of the tenant denied (details: reason, hostname, and tokenId or
     * userCode; source: the machine's address).
     */
    ENROLMENT_FAILED,
    /** An agent's exchange key for sealed secrets was stored or changed (details: fingerprint, action). */
    AGENT_EXCHANGE_KEY_SET,
    /**
     * A tenant admin defined or replaced a secret for the agents' vaults (details: name, scope,
     * version, cacheSeconds, use, hubStorage, agents; never the value).
     */
    SECRET_DEFINED,
    /** A tenant admin deleted a secret's definition (details: name). */
    SECRET_DELETED,
    /** An agent stored a delivered secret in its vault (actor: the agent; details: name, version). */
    SECRET_DELIVERED,
    /** An agent refused a delivered secret (actor: the agent; details: name, version, reason). */
    SECRET_REFUSED,
    /**
     * An agent removed a delivered secret because the tenant deleted it or it no longer applies to the
     * agent (actor: the agent; details: name, reason, removalId).
     */
    SECRET_REMOVED,
    /** A tenant admin asked for one agent's vault to be wiped (details: agentId, sent or queued). */
    VAULT_WIPE_REQUESTED,
    /** An agent wiped its vault as a tenant admin asked (actor: the agent; details: wipeId). */
    VAULT_WIPED;

    /** {@code login.succeeded}-style name. */
    public String wire() {
        String lower = name().toLowerCase(Locale.ROOT);
        int split = lower.lastIndexOf('_'); // every name has one: OBJECT_VERB
        return lower.substring(0, split).replace('_', '-') + "." + lower.substring(split + 1);
    }

    /** The type named {@code wire}, or null. */
    public static AuditType fromWire(String wire) {
        for (AuditType t : values()) {
            if (t.wire().equals(wire)) {
                return t;
            }
        }
        return null;
    }
}
