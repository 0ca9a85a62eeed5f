package io.enginex.edge.server.dashboard;

import io.enginex.edge.server.auth.Logins;
import io.enginex.edge.server.auth.Origin;
import io.enginex.edge.server.auth.Role;
import io.enginex.edge.server.store.User;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The tenant's people, for its admins, over {@link Logins} as the API's {@code /users} routes:
 * {@code GET /ui/users} lists them (email, role, whether disabled, password state, last sign-in, who
 * made them) with the form that makes one; {@code POST /ui/users} makes a user with a one-time
 * password, shown on that response only; {@code POST /ui/users/{id}/role}, {@code …/disable}, {@code
 * …/enable} change one, and {@code POST /ui/users/{id}/password} gives them a new one-time password,
 * shown once. Roles, validation and audit are the service's: an owner is made or changed by an owner
 * only, and nobody changes their own role or disables themselves.
 */
public final class UserPages implements PageGroup {
    private final Logins logins;

    UserPages(Logins logins) {
        this.logins = logins;
    }

    /** A user as listed; {@code createdBy} is the email of the person who made them, where known. */
    public record UserRow(User user, String createdBy, boolean self) {}

    /**
     * The page's model.
     *
     * @param roles the roles the viewer may give (owner only to owners)
     * @param password a one-time password just made, shown once, or null
     */
    public record UsersView(Page page, List<UserRow> users, List<String> roles, OneTime password) {}

    /** A one-time password the hub just generated for {@code email}: shown on this response only. */
    public record OneTime(String email, String password, boolean created) {
        @Override
        public String toString() {
            return "OneTime[email=" + email + ", password=****]";
        }
    }

    @Override
    public void register(Pages pages) {
        pages.get("/ui/users", Role.ADMIN, (ctx, viewer) -> {
            Page page = pages.page("Users", viewer, "users");
            String done = ctx.queryParam("done");
            if (done != null) {
                page = page.withFlash(
                        switch (done) {
                            case "role" -> "Role changed; it applies to the user's next request.";
                            case "disabled" -> "User disabled; their sessions ended and they cannot sign in.";
                            case "enabled" -> "User enabled; they can sign in again.";
                            default -> "Saved.";
                        });
            }
            pages.render(ctx, "users.jte", view(page, viewer, null));
        });
        pages.post("/ui/users", Role.ADMIN, (ctx, viewer) -> {
            Role role = Role.parseTenantRole(form(ctx, "role", Role.VIEWER.wire()));
            var created = logins.createUser(
                    viewer.caller(), viewer.tenantId(), form(ctx, "email", ""), role, null, Origin.dashboard(ctx.ip()));
            ctx.status(201);
            pages.render(
                    ctx,
                    "users.jte",
                    view(
                            pages.page("Users", viewer, "users"),
                            viewer,
                            new OneTime(created.user().email(), created.generatedPassword(), true)));
        });
        pages.post("/ui/users/{id}/password", Role.ADMIN, (ctx, viewer) -> {
            String id = ctx.pathParam("id");
            String generated =
                    logins.resetPassword(viewer.caller(), viewer.tenantId(), id, null, Origin.dashboard(ctx.ip()));
            String email = logins.users(viewer.caller(), viewer.tenantId()).stream()
                    .filter(u -> u.id().equals(id))
                    .map(User::email)
                    .findFirst()
                    .orElse(id);
            pages.render(
                    ctx,
                    "users.jte",
                    view(pages.page("Users", viewer, "users"), viewer, new OneTime(email, generated, false)));
        });
        pages.post("/ui/users/{id}/role", Role.ADMIN, (ctx, viewer) -> {
            String roleText = form(ctx, "role", null);
            Role role = roleText == null ? null : Role.parseTenantRole(roleText);
            logins.updateUser(
                    viewer.caller(), viewer.tenantId(), ctx.pathParam("id"), role, null, Origin.dashboard(ctx.ip()));
            Pages.redirect(ctx, "/ui/users?done=role");
        });
        pages.post("/ui/users/{id}/disable", Role.ADMIN, (ctx, viewer) -> {
            logins.updateUser(
                    viewer.caller(), viewer.tenantId(), ctx.pathParam("id"), null, true, Origin.dashboard(ctx.ip()));
            Pages.redirect(ctx, "/ui/users?done=disabled");
        });
        pages.post("/ui/users/{id}/enable", Role.ADMIN, (ctx, viewer) -> {
            logins.updateUser(
                    viewer.caller(), viewer.tenantId(), ctx.pathParam("id"), null, false, Origin.dashboard(ctx.ip()));
            Pages.redirect(ctx, "/ui/users?done=enabled");
        });
    }

    private UsersView view(Page page, Viewer viewer, OneTime password) {
        List<User> users = logins.users(viewer.caller(), viewer.tenantId());
        Map<String, String> names = names(viewer, logins, users);
        List<UserRow> rows = users.stream()
                .map(u -> new UserRow(u, who(u.createdBy(), names::get), u.id().equals(viewer.userId())))
                .toList();
        return new UsersView(page, rows, roles(viewer), password);
    }

    /** The roles {@code viewer} may give, most privileged first. */
    static List<String> roles(Viewer viewer) {
        return List.of(Role.OWNER, Role.ADMIN, Role.OPERATOR, Role.VIEWER).stream()
                .filter(r -> r != Role.OWNER || viewer.can(Role.OWNER))
                .map(Role::wire)
                .toList();
    }

    /**
     * Who an actor id is, as a person reads it: a user's email, a tenant API key's label ({@code API
     * key “nightly”}), {@code a platform API key} for a key of no tenant, {@code single sign-on} for a
     * user it made; anything else as it is.
     *
     * @param names the tenant's users' emails and API keys' descriptions by id
     */
    static String who(String actorId, Function<String, String> names) {
        if (actorId == null) {
            return "–";
        }
        String name = names.apply(actorId);
        if (name != null) {
            return name;
        }
        if (actorId.startsWith("key_")) {
            return "a platform API key";
        }
        return actorId.equals("oidc") ? "single sign-on" : actorId;
    }

    /**
     * The names {@link #person} reads for a page any role may see: the tenant's people and keys for
     * admins; the viewer's own email always.
     */
    static Map<String, String> people(Viewer viewer, Logins logins) {
        Map<String, String> names = viewer.can(Role.ADMIN)
                ? names(viewer, logins, logins.users(viewer.caller(), viewer.tenantId()))
                : new java.util.HashMap<>();
        names.put(viewer.userId(), viewer.email());
        return names;
    }

    /** Who an actor is, by name; a person whose email the viewer may not read is not shown by id. */
    static String person(Map<String, String> people, String actorId) {
        String name = who(actorId, people::get);
        return name.startsWith("usr_") ? "a person of this tenant" : name;
    }

    /** The names {@link #who} reads: the tenant's users' emails and its API keys' labels, by id. */
    static Map<String, String> names(Viewer viewer, Logins logins, List<User> users) {
        Map<String, String> names = new java.util.HashMap<>();
        logins.apiKeys(viewer.caller(), viewer.tenantId())
                .forEach(k -> names.put(
                        k.id(), k.label().isEmpty() ? "API key " + k.id() : "API key \u201c" + k.label() + "\u201d"));
        users.forEach(u -> names.put(u.id(), u.email()));
        return names;
    }

    private static String form(Context ctx, String name, String fallback) {
        String value = ctx.formParam(name);
        return value == null || value.isBlank() ? fallback : value.strip();
    }
}
