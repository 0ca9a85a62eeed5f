package io.enginex.edge.server.dashboard;

import io.enginex.edge.server.HubException;
import io.enginex.edge.server.audit.Actor;
import io.enginex.edge.server.audit.Audit;
import io.enginex.edge.server.audit.AuditType;
import io.enginex.edge.server.auth.Role;
import io.enginex.edge.server.http.WebServer;
import io.enginex.edge.server.registration.RegistrationTokens;
import io.enginex.edge.server.store.Agent;
import io.enginex.edge.server.store.AgentStore;
import io.enginex.edge.server.store.RegistrationToken;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Registration tokens: {@code GET /ui/registration} lists them with their uses and the agents they
 * enrolled and has the form that makes one; {@code POST /ui/registration/tokens} makes it and shows
 * the secret once with the install commands; {@code POST /ui/registration/tokens/{id}/revoke}
 * revokes it. Operators and up, as the API.
 */
public final class RegistrationPages implements PageGroup {
    /** The TTLs the form offers, as {@code seconds -> label}; one hour is the API's default. */
    public static final List<Choice> TTLS = List.of(
            new Choice("900", "15 minutes"),
            new Choice("3600", "1 hour"),
            new Choice("86400", "1 day"),
            new Choice("604800", "7 days"),
            new Choice("2592000", "30 days"));

    private final RegistrationTokens tokens;
    private final AgentStore agents;
    private final Audit audit;
    private final Clock clock;
    private final Supplier<String> baseUrl;
    private final String pin;
    private final String packageVersion;

    /** @param pin the fingerprint agents must pin (self-signed hub), or null */
    RegistrationPages(WebServer.Services s, String pin) {
        this.tokens = s.registrationTokens();
        this.agents = s.stores().agents();
        this.audit = s.audit();
        this.clock = s.clock();
        this.baseUrl = s.baseUrl();
        this.pin = pin;
        this.packageVersion = InstallCommands.packageVersion(s.version());
    }

    public record Choice(String value, String label) {}

    /** A token as listed: its state in words and the agents it enrolled. */
    public record TokenRow(RegistrationToken token, String state, List<Agent> enrolled) {}

    /** The page's model; {@code created} is the token just made (shown once), or null. */
    public record RegistrationView(Page page, List<TokenRow> tokens, Created created, List<Choice> ttls) {}

    /** A token just made: its secret, shown on this response only, and how to install with it. */
    public record Created(RegistrationToken token, String secret, List<InstallCommands.Way> ways) {}

    @Override
    public void register(Pages pages) {
        pages.get("/ui/registration", Role.OPERATOR, (ctx, viewer) -> {
            Page page = pages.page("Registration", viewer, "registration");
            if (ctx.queryParam("revoked") != null) {
                page = page.withFlash("Token revoked; it can no longer enrol anything.");
            }
            pages.render(ctx, "registration.jte", view(page, viewer, null));
        });
        pages.post("/ui/registration/tokens", Role.OPERATOR, (ctx, viewer) -> {
            var issued = issue(ctx, viewer);
            var created = new Created(
                    issued.token(),
                    issued.secret(),
                    new InstallCommands(baseUrl.get(), issued.secret(), pin, packageVersion).ways());
            ctx.status(201);
            pages.render(
                    ctx, "registration.jte", view(pages.page("Registration", viewer, "registration"), viewer, created));
        });
        pages.post("/ui/registration/tokens/{id}/revoke", Role.OPERATOR, (ctx, viewer) -> {
            String id = ctx.pathParam("id");
            tokens.revoke(viewer.tenantId(), id);
            audit.record(
                    viewer.tenantId(),
                    AuditType.TOKEN_REVOKED,
                    new Actor("user", viewer.userId()),
                    ctx.ip(),
                    new Audit.Target("registration_token", id),
                    Audit.Outcome.SUCCESS,
                    Map.of("via", "dashboard"));
            Pages.redirect(ctx, "/ui/registration?revoked");
        });
    }

    private RegistrationTokens.Issued issue(Context ctx, Viewer viewer) {
        long ttl = number(ctx.formParam("ttlSeconds"), RegistrationTokens.DEFAULT_TTL.toSeconds(), "TTL");
        long uses = number(ctx.formParam("maxUses"), 1, "Uses");
        String labelText = ctx.formParam("labels") == null ? "" : ctx.formParam("labels");
        List<String> labels = Arrays.stream(labelText.split("[,\\s]+"))
                .filter(l -> !l.isBlank())
                .toList();
        String description = ctx.formParam("description") == null
                ? ""
                : ctx.formParam("description").strip();
        if (description.length() > 200) {
            throw new HubException.BadRequest("the description may have at most 200 characters");
        }
        var issued = tokens.issue(
                viewer.tenantId(),
                Duration.ofSeconds(ttl),
                (int) Math.min(Integer.MAX_VALUE, uses),
                labels,
                description,
                viewer.userId());
        var t = issued.token();
        audit.record(
                t.tenantId(),
                AuditType.TOKEN_CREATED,
                new Actor("user", viewer.userId()),
                ctx.ip(),
                new Audit.Target("registration_token", t.id()),
                Audit.Outcome.SUCCESS,
                Map.of(
                        "maxUses",
                        t.maxUses(),
                        "expiresAt",
                        t.expiresAt().toString(),
                        "labels",
                        t.labels(),
                        "via",
                        "dashboard"));
        return issued;
    }

    private RegistrationView view(Page page, Viewer viewer, Created created) {
        Map<String, List<Agent>> byToken = new HashMap<>();
        for (Agent a : agents.list(viewer.tenantId())) {
            if (a.registrationTokenId() != null) {
                byToken.computeIfAbsent(a.registrationTokenId(), k -> new ArrayList<>())
                        .add(a);
            }
        }
        Instant now = clock.instant();
        List<TokenRow> rows = tokens.list(viewer.tenantId()).stream()
                .map(t -> new TokenRow(t, state(t, now), byToken.getOrDefault(t.id(), List.of())))
                .toList();
        return new RegistrationView(page, rows, created, TTLS);
    }

    private static String state(RegistrationToken t, Instant now) {
        if (t.revokedAt() != null) {
            return "revoked";
        }
        if (t.uses() >= t.maxUses()) {
            return "used up";
        }
        return t.expiresAt().isAfter(now) ? "active" : "expired";
    }

    private static long number(String value, long fallback, String what) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw new HubException.BadRequest(what + " must be a whole number; got " + value);
        }
    }
}
