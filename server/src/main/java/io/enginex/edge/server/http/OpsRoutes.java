package io.enginex.edge.server.http;

import io.enginex.edge.server.connection.ConnectionRegistry;
import io.enginex.edge.server.http.ApiViews.Health;
import io.enginex.edge.server.store.Stores;
import io.javalin.config.RoutesConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;

/**
 * {@code GET /healthz}, {@code /livez}, {@code /readyz} and {@code /metrics} (Prometheus text
 * format). No authentication.
 *
 * <p>{@code /livez} says the process serves requests (restart it when this fails); {@code /readyz}
 * says it can do work: the database answered {@code SELECT 1} within {@link #READY_TIMEOUT} (send it
 * no traffic while this fails; it recovers by itself). {@code /healthz} stays as documented: the
 * process answers, with node, version and connected agents.
 */
final class OpsRoutes {
    private final ConnectionRegistry registry;
    private final PrometheusMeterRegistry metrics;
    private final String node;
    private final String version;
    private final String database;
    private final Stores stores;

    /** How long /readyz waits for the database's answer. */
    static final Duration READY_TIMEOUT = Duration.ofSeconds(2);

    OpsRoutes(
            ConnectionRegistry registry, PrometheusMeterRegistry metrics, String node, String version, Stores stores) {
        this.stores = stores;
        this.registry = registry;
        this.metrics = metrics;
        this.node = node;
        this.version = version;
        this.database = stores.dialect();
    }

    void register(RoutesConfig routes) {
        routes.get(
                "/healthz",
                ctx -> ctx.json(new Health("ok", node, version, database, registry.activeCount())),
                ApiTrait.PUBLIC);
        routes.get("/livez", ctx -> ctx.json(Map.of("status", "ok")), ApiTrait.PUBLIC);
        routes.get(
                "/readyz",
                ctx -> {
                    if (stores.answers(READY_TIMEOUT)) {
                        ctx.json(Map.of("status", "ready", "database", "ok"));
                    } else {
                        ctx.header("Retry-After", String.valueOf(ErrorMapping.DATABASE_RETRY_AFTER_SECONDS));
                        ctx.status(503)
                                .json(Map.of(
                                        "status",
                                        "unavailable",
                                        "database",
                                        "no answer within " + READY_TIMEOUT.toSeconds() + " s"));
                    }
                },
                ApiTrait.PUBLIC);
        routes.get(
                "/metrics",
                ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                        .result(metrics.scrape()),
                ApiTrait.PUBLIC);
    }
}
