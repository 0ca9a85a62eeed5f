package io.enginex.edge.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code GET /openapi.json}: the {@link OpenApiDocument} of the routes the server serves. Public (it
 * holds routes and schemes, no data and no secret) and cacheable. Built on the first request, when
 * every route is registered, and kept: routes do not change while the server runs.
 */
final class OpenApiRoutes {
    static final String PATH = "/openapi.json";

    private final Supplier<List<OpenApiDocument.Route>> routes;
    private final String version;
    private final ObjectMapper mapper;
    private volatile byte[] document;

    /** @param routes the served routes, read on the first request (after the server has started) */
    OpenApiRoutes(Supplier<List<OpenApiDocument.Route>> routes, String version, ObjectMapper mapper) {
        this.routes = routes;
        this.version = version;
        this.mapper = mapper;
    }

    void register(RoutesConfig config) {
        config.get(PATH, this::serve, ApiTrait.PUBLIC);
    }

    private void serve(Context ctx) throws Exception {
        byte[] body = document;
        if (body == null) { // two first requests may both build it; the documents are the same
            ObjectNode doc = OpenApiDocument.of(routes.get(), version);
            body = mapper.writerWithDefaultPrettyPrinter()
                    .writeValueAsString(doc)
                    .getBytes(StandardCharsets.UTF_8);
            document = body;
        }
        ApiHeaders.apply(ctx);
        ctx.header("Cache-Control", "public, max-age=300");
        ctx.contentType(ApiHeaders.JSON).result(body);
    }
}
