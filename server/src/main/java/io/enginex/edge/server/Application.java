package io.enginex.edge.server;

import io.enginex.edge.server.audit.AuditLog;
import io.enginex.edge.server.auth.Logins;
import io.enginex.edge.server.events.JobEvents;
import io.enginex.edge.server.fleet.Agents;
import io.enginex.edge.server.graph.GraphRunLog;
import io.enginex.edge.server.graph.Graphs;
import io.enginex.edge.server.job.Jobs;
import io.enginex.edge.server.mcp.McpToolRules;
import io.enginex.edge.server.policy.Policies;
import io.enginex.edge.server.registration.DeviceApprovals;
import io.enginex.edge.server.registration.Enrolment;
import io.enginex.edge.server.sso.SingleSignOn;
import io.enginex.edge.server.update.Releases;
import io.enginex.edge.server.webhook.Webhooks;

/**
 * The hub's application layer: one service per family of use cases. Each takes the calling {@code
 * Caller}, authorises it for the tenant, validates, writes, audits once and tells live views; the
 * REST routes, dashboard pages and agent endpoints are adapters over these. Made once by {@link Hub}.
 */
public record Application(
        Jobs jobs,
        Enrolment enrolment,
        Logins logins,
        DeviceApprovals devices,
        Policies policies,
        McpToolRules mcpToolRules,
        Agents agents,
        AuditLog auditLog,
        Releases releases,
        SingleSignOn sso,
        Graphs graphs,
        io.enginex.edge.server.vault.TenantSecrets secrets,
        JobEvents jobEvents,
        Webhooks webhooks,
        GraphRunLog graphRuns,
        io.enginex.edge.server.graph.GraphApprovals graphApprovals,
        io.enginex.edge.server.oauth.OAuth oauth,
        io.enginex.edge.server.graph.GraphOutputs graphOutputs) {}
