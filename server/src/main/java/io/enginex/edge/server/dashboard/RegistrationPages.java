package io.enginex.edge.server.dashboard;

import io.enginex.edge.server.HubException;
import io.enginex.edge.server.auth.Origin;
import io.enginex.edge.server.auth.Role;
import io.enginex.edge.server.packages.Downloads;
import io.enginex.edge.server.registration.Enrolment;
import io.enginex.edge.server.registration.RegistrationTokens;
import io.enginex.edge.server.store.Agent;
import io.enginex.edge.server.store.RegistrationToken;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
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

    private final Enrolment enrolment;
    private final Clock clock;
    private final Supplier<String> baseUrl;
    private final String pin;
    private final String packageVersion;
    private final Downloads downloads;

    /** @param pin the fingerprint agents must pin (self-signed hub), or null */
    RegistrationPages(
            Enrolment enrolment,
            Clock clock,
            Supplier<String> baseUrl,
            String version,
            String pin,
            Downloads downloads) {
        this.downloads = downloads;
        this.enrolment = enrolment;
        this.clock = clock;
        this.baseUrl = baseUrl;
        this.pin = pin;
        this.packageVersion = InstallCommands.packageVersion(version);
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
                    new InstallCommands(
                                    baseUrl.get(),
                                    issued.secret(),
                                    pin,
                                    packageVersion,
                                    downloads.index().orElse(null))
                            .ways());
            ctx.status(201);
            pages.render(
                    ctx, "registration.jte", view(pages.page("Registration", viewer, "registration"), viewer, created));
        });
        pages.post("/ui/registration/tokens/{id}/revoke", Role.OPERATOR, (ctx, viewer) -> {
            enrolment.revokeToken(viewer.caller(), viewer.tenantId(), ctx.pathParam("id"), Origin.dashboard(ctx.ip()));
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
        return enrolment.issueToken(
                viewer.caller(),
                viewer.tenantId(),
                new Enrolment.TokenRequest(Duration.ofSeconds(ttl), uses, labels, ctx.formParam("description"), null),
                Origin.dashboard(ctx.ip()));
    }

    private RegistrationView view(Page page, Viewer viewer, Created created) {
        Instant now = clock.instant();
        List<TokenRow> rows = enrolment.tokens(viewer.caller(), viewer.tenantId()).stream()
                .map(use -> new TokenRow(use.token(), state(use.token(), now), use.enrolled()))
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
