package io.enginex.edge.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.server.Application;
import io.enginex.edge.server.audit.Audit;
import io.enginex.edge.server.auth.ApiKeys;
import io.enginex.edge.server.auth.TenantGuard;
import io.enginex.edge.server.auth.Users;
import io.enginex.edge.server.cluster.Nodes;
import io.enginex.edge.server.connection.AgentEndpoint;
import io.enginex.edge.server.connection.AgentStates;
import io.enginex.edge.server.connection.ConnectionRegistry;
import io.enginex.edge.server.dashboard.LiveUpdates;
import io.enginex.edge.server.dashboard.PageLinks;
import io.enginex.edge.server.events.EventWakeups;
import io.enginex.edge.server.idempotency.IdempotentCreates;
import io.enginex.edge.server.ops.ClusterHistory;
import io.enginex.edge.server.ratelimit.RateLimits;
import io.enginex.edge.server.store.Stores;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * What the web server's adapters are built from, made once by {@code Hub}: the application services
 * and, grouped by what they are for, the few other parts the routes and pages need. {@link
 * WebServer} hands each route or page class only the parts it uses.
 *
 * @param stores for the adapters' read models (lists and pages that only read) and readiness
 * @param audit for the tenant routes, the one adapter that still writes its own events
 * @param wakeups wakes the job event streams when a tenant may have new events
 * @param rateLimits makes the adapters' rate limiters (global across nodes on PostgreSQL)
 */
public record Web(
        Application app,
        Authentication authentication,
        Ops ops,
        PageLinks pageLinks,
        LiveUpdates live,
        EventWakeups wakeups,
        AgentEndpoint agentEndpoint,
        IdempotentCreates creates,
        Stores stores,
        Audit audit,
        Basics basics,
        RateLimits rateLimits) {
    /** Who is calling: API keys, users' sessions, and the tenant check they share. */
    public record Authentication(ApiKeys apiKeys, Users users, TenantGuard guard) {}

    /**
     * The node's operational state: agent sockets, agent states, history for the charts, metrics, and
     * the hub nodes on its database.
     */
    public record Ops(
            ConnectionRegistry registry,
            AgentStates states,
            ClusterHistory history,
            PrometheusMeterRegistry metrics,
            Nodes nodes) {}

    /**
     * @param baseUrl the hub's URL, known once it listens
     * @param version this build's version
     */
    public record Basics(ObjectMapper mapper, Clock clock, String version, Supplier<String> baseUrl) {}
}
