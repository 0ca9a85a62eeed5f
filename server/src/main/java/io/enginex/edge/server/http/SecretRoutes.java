package io.enginex.edge.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.protocol.KeyFingerprint;
import io.enginex.edge.server.HubException;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.auth.Origin;
import io.enginex.edge.server.auth.Role;
import io.enginex.edge.server.config.HumanDuration;
import io.enginex.edge.server.idempotency.Answer;
import io.enginex.edge.server.store.VaultStore;
import io.enginex.edge.server.vault.TenantSecrets;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Secrets for the agents' vaults ({@code /api/v1/tenants/{t}/secrets}) and remote vault wipes ({@code
 * /api/v1/tenants/{t}/agents/{id}/vault}), over {@link TenantSecrets}. Admins and owners define,
 * delete and wipe (each audited, never with a value); every role of the tenant reads the definitions
 * and delivery states. No route returns a value.
 */
final class SecretRoutes {
    private final TenantSecrets secrets;
    private final ApiAccess access;
    private final ObjectMapper mapper;
    private final IdempotentResponder creates;

    SecretRoutes(TenantSecrets secrets, ApiAccess access, ObjectMapper mapper, IdempotentResponder creates) {
        this.secrets = secrets;
        this.access = access;
        this.mapper = mapper;
        this.creates = creates;
    }

    /** A secret in the API: its definition and how far its current version got; never the value. */
    record SecretView(
            String id,
            String tenant,
            String name,
            String scope,
            long cacheSeconds,
            String use,
            boolean hubStorage,
            boolean valueHeld,
            int version,
            String description,
            Instant createdAt,
            Instant updatedAt,
            String updatedBy,
            Map<String, Integer> deliveries,
            List<DeliveryView> agents) {}

    record DeliveryView(
            String id,
            String agentId,
            String secret,
            int version,
            String state,
            String message,
            Instant createdAt,
            Instant answeredAt) {}

    /** The answer to a definition: the secret, and how many agents it goes to. */
    record DefinedView(
            String id,
            String tenant,
            String name,
            String scope,
            long cacheSeconds,
            String use,
            boolean hubStorage,
            boolean valueHeld,
            int version,
            String action,
            int agents,
            int awaitingExchangeKey) {}

    record WipeView(
            String id, String agentId, String state, String requestedBy, Instant requestedAt, Instant wipedAt) {}

    record RemovalView(
            String id,
            String name,
            String reason,
            String state,
            String message,
            String requestedBy,
            Instant requestedAt,
            Instant answeredAt) {}

    record AgentVaultView(
            String agentId,
            String exchangeKeyFingerprint,
            List<DeliveryView> deliveries,
            List<WipeView> wipes,
            List<RemovalView> removals) {}

    void register(RoutesConfig routes) {
        routes.get("/api/v1/tenants/{t}/secrets", this::list);
        routes.post("/api/v1/tenants/{t}/secrets", this::define, ApiTrait.IDEMPOTENT);
        routes.get("/api/v1/tenants/{t}/secrets/{name}", this::show);
        routes.delete("/api/v1/tenants/{t}/secrets/{name}", this::delete);
        routes.get("/api/v1/tenants/{t}/agents/{id}/vault", this::agentVault);
        routes.post("/api/v1/tenants/{t}/agents/{id}/vault/wipe", this::wipe, ApiTrait.IDEMPOTENT);
    }

    private void list(Context ctx) {
        Caller caller = access.forTenant(ctx);
        ctx.json(secrets.list(caller, ctx.pathParam("t")).stream()
                .map(this::view)
                .toList());
    }

    private void show(Context ctx) {
        Caller caller = access.forTenant(ctx);
        ctx.json(view(secrets.find(caller, ctx.pathParam("t"), ctx.pathParam("name"))));
    }

    private void define(Context ctx) {
        Caller caller = access.forTenant(ctx);
        caller.requireRole(Role.ADMIN); // before the body is read, as always
        String tenant = ctx.pathParam("t");
        JsonBody body = JsonBody.read(ctx, mapper);
        JsonNode value = body.raw("value");
        if (value != null && !value.isNull() && !value.isTextual()) {
            // Never echo it: the usual wrong-type message would show the value.
            throw new HubException.BadRequest("invalid_secret", "value must be a JSON string");
        }
        Long cache = cacheSeconds(body);
        JsonNode hub = body.raw("hubStorage");
        if (hub != null && !hub.isNull() && !hub.isBoolean()) {
            throw new HubException.BadRequest("invalid_secret", "hubStorage must be true or false");
        }
        var definition = new TenantSecrets.Definition(
                body.requiredText("name"),
                value == null || value.isNull() ? null : value.asText(),
                body.text("scope", "tenant"),
                cache,
                body.text("use", null),
                hub != null && hub.asBoolean(false),
                body.text("description", null));
        ctx.header("Cache-Control", "no-store");
        creates.respond(
                ctx,
                caller,
                fingerprintBody(body, tenant, definition.value()),
                secrets.define(caller, tenant, definition, Origin.api(ctx.ip()), defined -> {
                    VaultStore.Secret s = defined.secret();
                    Answer made = creates.created(
                            s.id(),
                            new DefinedView(
                                    s.id(),
                                    s.tenantId(),
                                    s.name(),
                                    s.scope().wire(),
                                    s.cacheSeconds(),
                                    s.use(),
                                    s.hubStorage(),
                                    s.heldValue() != null,
                                    s.version(),
                                    defined.created() ? "created" : "replaced",
                                    defined.agents(),
                                    defined.awaitingKey()));
                    return defined.created() ? made : Answer.of(200, s.id(), made.body());
                }));
    }

    private void delete(Context ctx) {
        Caller caller = access.forTenant(ctx);
        VaultStore.Secret s = secrets.delete(caller, ctx.pathParam("t"), ctx.pathParam("name"), Origin.api(ctx.ip()));
        ctx.json(Map.of("id", s.id(), "name", s.name(), "deleted", true));
    }

    private void agentVault(Context ctx) {
        Caller caller = access.forTenant(ctx);
        String tenant = ctx.pathParam("t");
        TenantSecrets.AgentVault v = secrets.agentVault(caller, tenant, ctx.pathParam("id"));
        ctx.json(new AgentVaultView(
                v.agent().id(),
                v.exchangeKey().map(KeyFingerprint::ofBase64).orElse(null),
                v.deliveries().stream()
                        .map(d ->
                                delivery(d, secrets.nameOf(tenant, d.secretId()).orElse(null)))
                        .toList(),
                v.wipes().stream().map(SecretRoutes::wipe).toList(),
                v.removals().stream()
                        .map(r -> new RemovalView(
                                r.id(),
                                r.name(),
                                r.reason(),
                                r.state(),
                                r.message(),
                                r.requestedBy(),
                                r.requestedAt(),
                                r.ackedAt()))
                        .toList()));
    }

    private void wipe(Context ctx) {
        Caller caller = access.forTenant(ctx);
        caller.requireRole(Role.ADMIN);
        creates.respond(
                ctx, caller, secrets.wipe(caller, ctx.pathParam("t"), ctx.pathParam("id"), Origin.api(ctx.ip()), w -> {
                    Answer made = creates.created(w.id(), wipe(w));
                    return Answer.of(202, w.id(), made.body());
                }));
    }

    private static Long cacheSeconds(JsonBody body) {
        JsonNode cacheFor = body.raw("cacheFor");
        if (cacheFor == null || cacheFor.isNull()) {
            JsonNode seconds = body.raw("cacheSeconds");
            return seconds == null || seconds.isNull() ? null : body.integer("cacheSeconds", 0);
        }
        if (!cacheFor.isTextual()) {
            throw new HubException.BadRequest(
                    "invalid_secret", "cacheFor must be a duration text like \"8h\" or \"30d\"");
        }
        try {
            return HumanDuration.parse(cacheFor.asText()).toSeconds();
        } catch (IllegalArgumentException e) {
            throw new HubException.BadRequest(
                    "invalid_secret", "cacheFor must be a duration like \"8h\" or \"30d\": " + e.getMessage());
        }
    }

    /** The body with the value replaced by a keyed tag, for the idempotency fingerprint. */
    private byte[] fingerprintBody(JsonBody body, String tenant, String value) {
        ObjectNode copy = body.document().deepCopy();
        copy.put("value", secrets.valueTag(tenant, value));
        try {
            return mapper.writeValueAsBytes(copy);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a request fingerprint", e);
        }
    }

    private SecretView view(TenantSecrets.Status status) {
        VaultStore.Secret s = status.secret();
        return new SecretView(
                s.id(),
                s.tenantId(),
                s.name(),
                s.scope().wire(),
                s.cacheSeconds(),
                s.use(),
                s.hubStorage(),
                s.heldValue() != null,
                s.version(),
                s.description(),
                s.createdAt(),
                s.updatedAt(),
                s.updatedBy(),
                status.deliveries(),
                status.list().stream().map(d -> delivery(d, s.name())).toList());
    }

    private static DeliveryView delivery(VaultStore.Delivery d, String name) {
        return new DeliveryView(
                d.id(), d.agentId(), name, d.version(), d.state(), d.message(), d.createdAt(), d.ackedAt());
    }

    private static WipeView wipe(VaultStore.Wipe w) {
        return new WipeView(w.id(), w.agentId(), w.state(), w.requestedBy(), w.requestedAt(), w.ackedAt());
    }
}
