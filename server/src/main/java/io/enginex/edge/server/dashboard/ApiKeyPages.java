package io.enginex.edge.server.dashboard;

import io.enginex.edge.server.auth.ApiKeys;
import io.enginex.edge.server.auth.Logins;
import io.enginex.edge.server.auth.Origin;
import io.enginex.edge.server.auth.Role;
import io.enginex.edge.server.idempotency.IdempotentCreates;
import io.enginex.edge.server.store.ApiKey;
import java.util.List;
import java.util.Map;

/**
 * The tenant's API keys, for its admins, over {@link Logins} as the API's {@code /api-keys} routes:
 * {@code GET /ui/api-keys} lists them (label, role, who made them, last use, revoked) with the form
 * that makes one; {@code POST /ui/api-keys} makes a key and shows its secret on that response only
 * (the hub keeps its hash); {@code POST /ui/api-keys/{id}/revoke} revokes one. An owner key is made
 * or revoked by an owner only.
 */
public final class ApiKeyPages implements PageGroup {
    private final Logins logins;
    private final IdempotentCreates creates;

    ApiKeyPages(Logins logins, IdempotentCreates creates) {
        this.logins = logins;
        this.creates = creates;
    }

    /** A key as listed; {@code createdBy} is the email of the person who made it, where known. */
    public record KeyRow(ApiKey key, String createdBy) {}

    /**
     * The page's model.
     *
     * @param roles the roles the viewer may give a key (owner only to owners)
     * @param issued a key just made, its secret shown once, or null
     */
    public record KeysView(Page page, List<KeyRow> keys, List<String> roles, ApiKeys.Issued issued) {}

    @Override
    public void register(Pages pages) {
        pages.get("/ui/api-keys", Role.ADMIN, (ctx, viewer) -> {
            Page page = pages.page("API keys", viewer, "api-keys");
            if (ctx.queryParam("revoked") != null) {
                page = page.withFlash("Key revoked; requests with it are refused from now on.");
            }
            pages.render(ctx, "api-keys.jte", view(page, viewer, null));
        });
        pages.post("/ui/api-keys", Role.ADMIN, (ctx, viewer) -> {
            String roleText = ctx.formParam("role");
            Role role = Role.parseTenantRole(roleText == null || roleText.isBlank() ? "operator" : roleText);
            String label = ctx.formParam("label");
            ApiKeys.Issued issued = creates.once(logins.newApiKey(
                    viewer.caller(),
                    viewer.tenantId(),
                    role,
                    label == null ? "" : label.strip(),
                    Origin.dashboard(ctx.ip()),
                    i -> null));
            ctx.status(201);
            pages.render(ctx, "api-keys.jte", view(pages.page("API keys", viewer, "api-keys"), viewer, issued));
        });
        pages.post("/ui/api-keys/{id}/revoke", Role.ADMIN, (ctx, viewer) -> {
            logins.revokeApiKey(viewer.caller(), viewer.tenantId(), ctx.pathParam("id"), Origin.dashboard(ctx.ip()));
            Pages.redirect(ctx, "/ui/api-keys?revoked");
        });
    }

    private KeysView view(Page page, Viewer viewer, ApiKeys.Issued issued) {
        Map<String, String> names = UserPages.names(viewer, logins, logins.users(viewer.caller(), viewer.tenantId()));
        List<KeyRow> rows = logins.apiKeys(viewer.caller(), viewer.tenantId()).stream()
                .map(k -> new KeyRow(k, UserPages.who(k.createdBy(), names::get)))
                .toList();
        return new KeysView(page, rows, UserPages.roles(viewer), issued);
    }
}
