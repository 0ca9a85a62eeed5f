package io.enginex.edge.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.server.dashboard.DashboardRoute;
import io.enginex.edge.server.testing.ApiClient.Response;
import io.enginex.edge.server.testing.TestHub;
import io.swagger.v3.oas.models.SpecVersion;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /openapi.json}: valid OpenAPI 3.1 by an independent parser (swagger-parser), listing every
 * route the hub serves but the dashboard's pages and the WebSockets, and saying truly which need a
 * credential.
 */
class OpenApiIT {
    @TempDir
    static Path dir;

    static TestHub hub;
    static Response served;

    @BeforeAll
    static void start() {
        hub = TestHub.start(dir);
        served = hub.api().get(OpenApiRoutes.PATH, null);
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    @Test
    void theDocumentIsServedWithoutACredentialAndMayBeCached() {
        assertThat(served.status()).as(served.text()).isEqualTo(200);
        assertThat(served.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(served.headers().firstValue("Cache-Control")).hasValue("public, max-age=300");
        assertThat(served.body().path("openapi").asText()).isEqualTo("3.1.0");
        assertThat(served.text()).doesNotContain(hub.platformKey());
    }

    @Test
    void anIndependentParserFindsNoErrors() {
        var options = new ParseOptions();
        options.setResolve(true);
        var result = new OpenAPIV3Parser().readContents(served.text(), null, options);
        assertThat(result.getMessages()).as("swagger-parser's messages").isEmpty();
        assertThat(result.getOpenAPI().getSpecVersion()).isEqualTo(SpecVersion.V31);
        assertThat(result.getOpenAPI().getPaths()).isNotEmpty();
        Schema<?> error = result.getOpenAPI().getComponents().getSchemas().get("Error");
        assertThat(error.getProperties().keySet()).containsExactly("error");
    }

    @Test
    void everyRouteTheHubServesIsInTheDocumentAndNoOther() {
        Set<String> dashboard = new TreeSet<>();
        for (DashboardRoute d : hub.hub().dashboardRoutes()) {
            dashboard.add(d.key());
        }
        Set<String> routes = new TreeSet<>();
        for (String route : hub.hub().routes()) {
            String method = route.substring(0, route.indexOf(' '));
            if (method.equals("WS") || method.startsWith("WEBSOCKET") || dashboard.contains(route)) {
                continue;
            }
            routes.add(route.replace('<', '{').replace('>', '}'));
        }
        assertThat(routes).as("the hub serves API routes").contains("GET /api/v1/tenants/{t}/agents");

        assertThat(documented())
                .as("every route the hub serves (Javalin's router, minus the dashboard's route table and"
                        + " the WebSockets) is an operation of /openapi.json")
                .isEqualTo(routes);
    }

    @Test
    void createsTakeAnIdempotencyKeyAndPathParametersAreDeclared() {
        JsonNode create = served.body().at("/paths/~1api~1v1~1tenants~1{t}~1sessions~1{sid}~1jobs/post");
        assertThat(create.path("operationId").asText()).isEqualTo("postTenantsByTSessionsBySidJobs");
        List<String> parameters = new ArrayList<>();
        create.path("parameters")
                .forEach(p -> parameters.add(
                        p.has("$ref")
                                ? p.get("$ref").asText()
                                : p.path("in").asText() + ":" + p.path("name").asText()));
        assertThat(parameters).containsExactly("path:t", "path:sid", "#/components/parameters/IdempotencyKey");
        assertThat(served.body()
                        .at("/components/parameters/IdempotencyKey/name")
                        .asText())
                .isEqualTo("Idempotency-Key");
        assertThat(served.body()
                        .at("/paths/~1api~1v1~1tenants~1{t}~1jobs~1{id}~1approve/post/parameters")
                        .toString())
                .doesNotContain("IdempotencyKey");
    }

    /**
     * What the document says about credentials is what the hub does: an operation that needs one
     * answers 401 without it, and a public one does not.
     */
    @Test
    void theDocumentSaysTrulyWhichOperationsNeedACredential() {
        List<String> wrong = new ArrayList<>();
        served.body()
                .path("paths")
                .properties()
                .forEach(path -> path.getValue().properties().forEach(op -> {
                    boolean open = op.getValue().has("security")
                            && op.getValue().get("security").isEmpty();
                    String method = op.getKey().toUpperCase(Locale.ROOT);
                    String url = path.getKey().replaceAll("\\{[^}]+}", "x");
                    Response r =
                            hub.api().exchange(method, url, null, Map.of(), method.equals("GET") ? null : Map.of());
                    if (open == (r.status() == 401)) {
                        wrong.add(method + " " + path.getKey() + " is documented "
                                + (open ? "public" : "as needing a" + " credential") + " but answers " + r.status()
                                + " without one");
                    }
                }));
        assertThat(wrong)
                .as("register a route that needs no credential with ApiTrait.PUBLIC (ApiTrait.SESSION for one"
                        + " only a signed-in session may call); a route without a trait is documented as"
                        + " needing an API key or a session")
                .isEmpty();
    }

    private static Set<String> documented() {
        Set<String> operations = new TreeSet<>();
        served.body()
                .path("paths")
                .properties()
                .forEach(path -> path.getValue()
                        .properties()
                        .forEach(op -> operations.add(op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey())));
        return operations;
    }
}
