package io.enginex.edge.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.server.HubException;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.auth.Origin;
import io.enginex.edge.server.auth.Role;
import io.enginex.edge.server.sso.SingleSignOn;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A tenant's single sign-on: {@code /api/v1/tenants/{t}/oidc}, over {@link SingleSignOn}. Admins
 * read, set (PUT, the whole configuration) and remove it; the client secret is write-only (the
 * answer says only {@code clientSecretSet}).
 */
final class OidcRoutes {
    private final SingleSignOn sso;
    private final ApiAccess access;
    private final ObjectMapper mapper;

    OidcRoutes(SingleSignOn sso, ApiAccess access, ObjectMapper mapper) {
        this.sso = sso;
        this.access = access;
        this.mapper = mapper;
    }

    void register(RoutesConfig routes) {
        routes.get("/api/v1/tenants/{t}/oidc", this::show);
        routes.put("/api/v1/tenants/{t}/oidc", this::set);
        routes.delete("/api/v1/tenants/{t}/oidc", this::remove);
    }

    private void show(Context ctx) {
        Caller caller = access.forTenant(ctx);
        ctx.json(sso.settings(caller, ctx.pathParam("t")));
    }

    private void set(Context ctx) {
        Caller caller = access.forTenant(ctx);
        caller.requireRole(Role.ADMIN); // before the body is read, as always
        JsonBody body = JsonBody.read(ctx, mapper);
        SingleSignOn.Change change = sso.configure(
                caller,
                ctx.pathParam("t"),
                new SingleSignOn.Request(
                        body.text("displayName", null),
                        body.requiredText("issuer"),
                        body.requiredText("clientId"),
                        secret(body.raw("clientSecret")),
                        body.text("scopes", null),
                        body.text("groupsClaim", null),
                        roleMap(body.raw("roleMap"))),
                Origin.api(ctx.ip()));
        // The settings, and the endpoints the hub found in the provider's discovery document.
        ObjectNode answer = mapper.valueToTree(change.settings());
        answer.set("discovery", mapper.valueToTree(change.discovery()));
        ctx.status(change.created() ? 201 : 200).json(answer);
    }

    private void remove(Context ctx) {
        Caller caller = access.forTenant(ctx);
        sso.remove(caller, ctx.pathParam("t"), Origin.api(ctx.ip()));
        ctx.status(204);
    }

    /** The client secret, or null to keep the stored one; a wrong type is refused without echoing it. */
    private static String secret(JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new HubException.BadRequest("invalid_client_secret", "clientSecret must be a string");
        }
        return v.textValue();
    }

    private static Map<String, String> roleMap(JsonNode v) {
        if (v == null || v.isNull()) {
            return Map.of();
        }
        if (!v.isObject()) {
            throw new HubException.BadRequest(
                    "invalid_role_map",
                    "roleMap must be an object from group to role, e.g. {\"hub-admins\": \"admin\"}");
        }
        var map = new LinkedHashMap<String, String>();
        for (var e : v.properties()) {
            if (!e.getValue().isTextual()) {
                throw new HubException.BadRequest(
                        "invalid_role_map", "roleMap." + e.getKey() + " must be a role name such as \"operator\"");
            }
            map.put(e.getKey(), e.getValue().textValue());
        }
        return map;
    }
}
