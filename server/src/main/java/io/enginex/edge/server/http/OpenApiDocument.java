package io.enginex.edge.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The OpenAPI 3.1 description of the hub's HTTP API, built from the routes Javalin actually serves, so
 * a route cannot exist without being described. Each route gives its method, its path (path parameters
 * are read from {@code {name}} and {@code <name>} segments) and its {@link ApiTrait}s (public, session
 * only, takes an {@code Idempotency-Key}); the error body's schema is read from {@link
 * ErrorMapping.ErrorBody}. Request and response bodies are described as JSON values only: their fields
 * are in {@code docs/API.md}.
 */
final class OpenApiDocument {
    static final String VERSION = "3.1.0";
    static final String BEARER = "apiKey";
    static final String SESSION = "session";
    static final String FORM = "application/x-www-form-urlencoded";

    /** One served route: an HTTP method such as {@code GET}, Javalin's path, and what it says of itself. */
    record Route(String method, String path, Set<ApiTrait> traits) {
        Route {
            traits = Set.copyOf(traits);
        }

        /** The OpenAPI path: Javalin's {@code <rest>} (which may hold slashes) as {@code {rest}}. */
        String openApiPath() {
            return path.replace('<', '{').replace('>', '}');
        }

        String key() {
            return method + " " + openApiPath();
        }
    }

    private static final Set<String> METHODS = Set.of("GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH");
    private static final Pattern PARAMETER = Pattern.compile("[{<]([^}>]+)[}>]");
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private OpenApiDocument() {}

    /** Whether Javalin's handler type names an operation (not a filter such as {@code BEFORE}). */
    static boolean isOperation(String method) {
        return METHODS.contains(method);
    }

    /**
     * The document for {@code routes}.
     *
     * @param version the hub's version, as the document's {@code info.version}
     * @throws IllegalArgumentException for a method OpenAPI cannot describe (see {@link #isOperation})
     */
    static ObjectNode of(List<Route> routes, String version) {
        ObjectNode doc = JSON.objectNode();
        doc.put("openapi", VERSION);
        ObjectNode info = doc.putObject("info");
        info.put("title", "EngineX Edge hub API");
        info.put("version", version);
        info.put(
                "description",
                "The hub's HTTP API, generated from the routes the hub serves (the dashboard's pages and the"
                        + " WebSockets aside). Bodies are JSON; their fields, the error codes and the rules"
                        + " for retries are in docs/API.md.");
        doc.putArray("security").add(requirement(BEARER)).add(requirement(SESSION));
        ObjectNode paths = doc.putObject("paths");
        routes.stream()
                .sorted(Comparator.comparing(Route::openApiPath).thenComparing(Route::method))
                .forEach(route -> {
                    if (!isOperation(route.method())) {
                        throw new IllegalArgumentException("not an HTTP operation: " + route.key());
                    }
                    ObjectNode item = paths.has(route.openApiPath())
                            ? (ObjectNode) paths.get(route.openApiPath())
                            : paths.putObject(route.openApiPath());
                    item.set(route.method().toLowerCase(Locale.ROOT), operation(route));
                });
        doc.set("components", components());
        return doc;
    }

    private static ObjectNode operation(Route route) {
        ObjectNode op = JSON.objectNode();
        op.put("operationId", operationId(route));
        op.putArray("tags").add(tag(route.openApiPath()));
        ArrayNode parameters = JSON.arrayNode();
        Matcher m = PARAMETER.matcher(route.path());
        while (m.find()) {
            ObjectNode p = parameters.addObject();
            p.put("name", m.group(1));
            p.put("in", "path");
            p.put("required", true);
            p.putObject("schema").put("type", "string");
            if (route.path().charAt(m.start()) == '<') {
                p.put("description", "the rest of the path; may contain '/'");
            }
        }
        if (route.traits().contains(ApiTrait.IDEMPOTENT)) {
            parameters.addObject().put("$ref", "#/components/parameters/IdempotencyKey");
        }
        if (!parameters.isEmpty()) {
            op.set("parameters", parameters);
        }
        if (Set.of("POST", "PUT", "PATCH").contains(route.method())) {
            ObjectNode body = op.putObject("requestBody");
            body.put("required", false);
            body.putObject("content")
                    .putObject(route.traits().contains(ApiTrait.FORM) ? FORM : "application/json")
                    .putObject("schema");
        }
        ObjectNode responses = op.putObject("responses");
        responses
                .putObject("2XX")
                .put("description", "Success: JSON, except for files (downloads, updates) and metrics");
        responses.putObject("default").put("$ref", "#/components/responses/Error");
        if (route.traits().contains(ApiTrait.PUBLIC)) {
            op.putArray("security");
        } else if (route.traits().contains(ApiTrait.SESSION)) {
            op.putArray("security").add(requirement(SESSION));
        }
        return op;
    }

    /** {@code POST /api/v1/tenants/{t}/jobs/{id}/approve} is {@code postTenantsByTJobsByIdApprove}. */
    static String operationId(Route route) {
        var id = new StringBuilder(route.method().toLowerCase(Locale.ROOT));
        for (String segment : route.path().split("/")) {
            if (segment.isEmpty() || segment.equals("api") || segment.equals("v1")) {
                continue;
            }
            Matcher m = PARAMETER.matcher(segment);
            if (m.matches()) {
                id.append("By");
                segment = m.group(1);
            }
            for (String word : segment.split("[^A-Za-z0-9]+")) {
                if (!word.isEmpty()) {
                    id.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
                }
            }
        }
        return id.toString();
    }

    /** The resource a route belongs to: {@code agents} for {@code /api/v1/tenants/{t}/agents/…}. */
    static String tag(String path) {
        List<String> segments = List.of(path.replaceFirst("^/api/v1/", "/").split("/")).stream()
                .filter(s -> !s.isEmpty() && !s.startsWith("{"))
                .toList();
        if (segments.isEmpty()) {
            return "hub";
        }
        if (segments.getFirst().equals("tenants") && segments.size() > 1) {
            return segments.get(1);
        }
        return segments.getFirst();
    }

    private static ObjectNode requirement(String scheme) {
        ObjectNode r = JSON.objectNode();
        r.putArray(scheme);
        return r;
    }

    private static ObjectNode components() {
        ObjectNode components = JSON.objectNode();
        ObjectNode schemes = components.putObject("securitySchemes");
        ObjectNode bearer = schemes.putObject(BEARER);
        bearer.put("type", "http");
        bearer.put("scheme", "bearer");
        bearer.put("bearerFormat", "exk_…");
        bearer.put("description", "An API key (Authorization: Bearer exk_…): the platform key or a tenant's key");
        ObjectNode session = schemes.putObject(SESSION);
        session.put("type", "apiKey");
        session.put("in", "cookie");
        session.put("name", ApiAccess.SESSION_COOKIE);
        session.put(
                "description",
                "A signed-in user's session from POST /api/v1/login; a request that changes state also sends"
                        + " the session's CSRF token in " + ApiAccess.CSRF_HEADER);
        components.putObject("schemas").set("Error", schemaOf(ErrorMapping.ErrorBody.class));
        ObjectNode error = components.putObject("responses").putObject("Error");
        error.put("description", "An error: a code a program can switch on and a message a person can act on");
        error.putObject("content")
                .putObject("application/json")
                .putObject("schema")
                .put("$ref", "#/components/schemas/Error");
        ObjectNode key = components.putObject("parameters").putObject("IdempotencyKey");
        key.put("name", IdempotentResponder.HEADER);
        key.put("in", "header");
        key.put("required", false);
        key.put(
                "description",
                "A new random value (a UUID) per resource to create, the same on every retry: a retry then"
                        + " creates nothing twice and gets the first answer");
        ObjectNode keySchema = key.putObject("schema");
        keySchema.put("type", "string");
        keySchema.put("minLength", 1);
        keySchema.put("maxLength", 255);
        return components;
    }

    /**
     * A JSON Schema for a record of strings, numbers, booleans, instants, lists and records; every
     * component is required, as the hub writes a record with all its fields.
     */
    static ObjectNode schemaOf(Type type) {
        ObjectNode schema = JSON.objectNode();
        if (type instanceof Class<?> c && c.isRecord()) {
            schema.put("type", "object");
            ObjectNode properties = schema.putObject("properties");
            ArrayNode required = schema.putArray("required");
            for (RecordComponent component : c.getRecordComponents()) {
                properties.set(component.getName(), schemaOf(component.getGenericType()));
                required.add(component.getName());
            }
        } else if (type == String.class) {
            schema.put("type", "string");
        } else if (type == Instant.class) {
            schema.put("type", "string").put("format", "date-time");
        } else if (type == int.class || type == long.class || type == Integer.class || type == Long.class) {
            schema.put("type", "integer");
        } else if (type == boolean.class || type == Boolean.class) {
            schema.put("type", "boolean");
        } else if (type instanceof ParameterizedType p && p.getRawType() == List.class) {
            schema.put("type", "array");
            schema.set("items", schemaOf(p.getActualTypeArguments()[0]));
        } else if (!(type instanceof Class<?> c && JsonNode.class.isAssignableFrom(c))) {
            throw new IllegalArgumentException("no JSON Schema for " + type.getTypeName() + " yet; add it here");
        }
        return schema;
    }
}
