package io.enginex.edge.server.http;

import io.enginex.edge.server.connection.ConnectionRegistry;
import io.enginex.edge.server.http.ApiViews.Health;
import io.javalin.config.RoutesConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** {@code GET /healthz} and {@code GET /metrics} (Prometheus text format). No authentication. */
final class OpsRoutes {
    private final ConnectionRegistry registry;
    private final PrometheusMeterRegistry metrics;
    private final String node;
    private final String version;
    private final String database;

    OpsRoutes(
            ConnectionRegistry registry,
            PrometheusMeterRegistry metrics,
            String node,
            String version,
            String database) {
        this.registry = registry;
        this.metrics = metrics;
        this.node = node;
        this.version = version;
        this.database = database;
    }

    void register(RoutesConfig routes) {
        routes.get("/healthz", ctx -> ctx.json(new Health("ok", node, version, database, registry.activeCount())));
        routes.get(
                "/metrics",
                ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                        .result(metrics.scrape()));
    }
}
