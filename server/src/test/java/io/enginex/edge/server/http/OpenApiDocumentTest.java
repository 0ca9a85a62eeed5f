package io.enginex.edge.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enginex.edge.server.http.OpenApiDocument.Route;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OpenApiDocumentTest {
    @Test
    void aRestOfPathParameterBecomesAPathTemplateThatMayHoldSlashes() {
        var doc = OpenApiDocument.of(List.of(new Route("GET", "/downloads/<path>", Set.of(ApiTrait.PUBLIC))), "1.0");

        var op = doc.at("/paths/~1downloads~1{path}/get");
        assertThat(op.at("/parameters/0/name").asText()).isEqualTo("path");
        assertThat(op.at("/parameters/0/in").asText()).isEqualTo("path");
        assertThat(op.at("/parameters/0/description").asText()).contains("'/'");
        assertThat(op.get("security")).as("public: no credential").isEmpty();
        assertThat(op.at("/tags/0").asText()).isEqualTo("downloads");
    }

    @Test
    void operationIdsAndTagsComeFromTheMethodAndPath() {
        var route = new Route("POST", "/api/v1/tenants/{t}/jobs/{id}/approve", Set.of());
        assertThat(OpenApiDocument.operationId(route)).isEqualTo("postTenantsByTJobsByIdApprove");
        assertThat(OpenApiDocument.operationId(new Route("POST", "/api/v1/agent/rotate-key", Set.of())))
                .isEqualTo("postAgentRotateKey");
        assertThat(OpenApiDocument.tag("/api/v1/tenants/{t}/jobs/{id}/approve")).isEqualTo("jobs");
        assertThat(OpenApiDocument.tag("/api/v1/tenants/{t}")).isEqualTo("tenants");
        assertThat(OpenApiDocument.tag("/healthz")).isEqualTo("healthz");
    }

    @Test
    void aSessionOnlyRouteNamesOnlyTheSessionScheme() {
        var doc =
                OpenApiDocument.of(List.of(new Route("POST", "/api/v1/me/password", Set.of(ApiTrait.SESSION))), "1.0");

        assertThat(doc.at("/paths/~1api~1v1~1me~1password/post/security").toString())
                .isEqualTo("[{\"session\":[]}]");
    }

    @Test
    void theErrorSchemaIsReadFromTheErrorRecord() {
        var error = OpenApiDocument.schemaOf(ErrorMapping.ErrorBody.class);

        assertThat(error.at("/properties/error/properties/code/type").asText()).isEqualTo("string");
        assertThat(error.at("/properties/error/required").toString()).isEqualTo("[\"code\",\"message\"]");
    }

    @Test
    void aFilterIsNotAnOperation() {
        assertThatThrownBy(() -> OpenApiDocument.of(List.of(new Route("BEFORE", "/api/*", Set.of())), "1.0"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("BEFORE /api/*");
    }
}
