package io.enginex.edge.server.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.server.audit.AuditLog;
import io.enginex.edge.server.auth.Role;
import io.enginex.edge.server.registration.Enrolment;
import io.enginex.edge.server.store.AuditEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The tenant's failed enrolments, for its admins: {@code GET /ui/enrolments/failed} lists the
 * machines that tried to join the tenant and were refused in the last {@link #SINCE} (an expired,
 * revoked or used-up registration token, a token's rate limit, a device request denied), from the
 * tenant's audit trail ({@code enrolment.failed}, through {@link AuditLog}): when, why, the machine's
 * host name and address, and the token by its description. A token's secret is never recorded, so it
 * cannot show. An unknown token names no tenant and is recorded hub-wide only.
 */
public final class FailedEnrolmentPages implements PageGroup {
    /** How far back the page looks. */
    static final Duration SINCE = Duration.ofDays(30);

    /** The most attempts the page lists. */
    static final int LIMIT = 200;

    private final AuditLog auditLog;
    private final Enrolment enrolment;
    private final Clock clock;
    private final ObjectMapper mapper;

    FailedEnrolmentPages(AuditLog auditLog, Enrolment enrolment, Clock clock, ObjectMapper mapper) {
        this.auditLog = auditLog;
        this.enrolment = enrolment;
        this.clock = clock;
        this.mapper = mapper;
    }

    /**
     * One refused attempt.
     *
     * @param reason why, in words
     * @param code the recorded reason, e.g. {@code token_expired}
     * @param token the token by its description (or id when it has none), or the device request's code
     */
    public record Attempt(Instant at, String reason, String code, String hostname, String sourceIp, String token) {}

    public record FailedView(Page page, List<Attempt> attempts, String since, int limit) {}

    @Override
    public void register(Pages pages) {
        pages.get("/ui/enrolments/failed", Role.ADMIN, (ctx, viewer) -> {
            Map<String, String> tokens = new HashMap<>();
            enrolment.tokens(viewer.caller(), viewer.tenantId()).forEach(use -> {
                var t = use.token();
                tokens.put(
                        t.id(),
                        t.description() == null || t.description().isBlank()
                                ? "token " + t.id() + " (no description)"
                                : "\u201c" + t.description() + "\u201d");
            });
            List<Attempt> attempts =
                    auditLog
                            .failedEnrolments(
                                    viewer.caller(),
                                    viewer.tenantId(),
                                    clock.instant().minus(SINCE),
                                    LIMIT)
                            .stream()
                            .map(e -> attempt(e, tokens))
                            .toList();
            pages.render(
                    ctx,
                    "enrolments-failed.jte",
                    new FailedView(pages.page("Failed enrolments", viewer, "enrolments"), attempts, "30 days", LIMIT));
        });
    }

    private Attempt attempt(AuditEvent e, Map<String, String> tokens) {
        JsonNode details;
        try {
            details = mapper.readTree(e.detailsJson());
        } catch (JsonProcessingException ex) {
            details = mapper.createObjectNode();
        }
        String code = details.path("reason").asText();
        String reason = switch (code) {
            case "token_expired" -> "the registration token had expired";
            case "token_revoked" -> "the registration token was revoked";
            case "token_used" -> "the registration token was used up";
            case "rate_limited" -> "too many attempts with the token from this address (rate limited)";
            case "device_denied" -> "an admin denied the device request";
            default -> code;
        };
        String tokenId = details.path("tokenId").asText("");
        String token = !tokenId.isEmpty()
                ? tokens.getOrDefault(tokenId, "token " + tokenId)
                : details.has("userCode")
                        ? "device request " + details.path("userCode").asText()
                        : "–";
        String hostname = details.path("hostname").asText("");
        return new Attempt(
                e.at(),
                reason,
                code,
                hostname.isEmpty() ? "–" : hostname,
                e.sourceIp() == null ? "–" : e.sourceIp(),
                token);
    }
}
