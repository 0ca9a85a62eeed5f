package io.enginex.edge.server.dashboard;

import io.enginex.edge.server.HubException;
import io.enginex.edge.server.IdGenerator;
import io.enginex.edge.server.auth.HubSecret;
import io.enginex.edge.server.store.PageLink;
import io.enginex.edge.server.store.PageLinkStore;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Links that open one session's page without a login: {@code t = <tenant>.<linkId>.<mac>}, where mac
 * is HMAC-SHA256 over tenant, link id and session id with the hub's secret. Each holder (user or API
 * key) gets one link per session, the same on every request until it expires ({@link #lifetime()},
 * the hub's {@code --session-link-ttl}) or is revoked; a revoked link stops working at once, because
 * every use looks the link up. Thread-safe.
 */
public final class PageCapability {
    /** The lifetime of a link unless the hub is configured otherwise. */
    public static final Duration DEFAULT_LIFETIME = Duration.ofDays(7);

    private final byte[] key;
    private final PageLinkStore links;
    private final IdGenerator ids;
    private final Clock clock;
    private final Duration lifetime;

    public PageCapability(HubSecret secret, PageLinkStore links, IdGenerator ids, Clock clock, Duration lifetime) {
        this.key = secret.bytes();
        this.links = links;
        this.ids = ids;
        this.clock = clock;
        this.lifetime = lifetime;
    }

    /** How long a new link works. */
    public Duration lifetime() {
        return lifetime;
    }

    /**
     * The capability of {@code holder} for {@code sessionId} of {@code tenantId}: the link they were
     * given before while it still works, else a new one valid for {@link #lifetime()}.
     */
    public String issue(String tenantId, String sessionId, String holder) {
        Instant now = clock.instant();
        PageLink link = links.newest(tenantId, sessionId, holder)
                .filter(l -> l.usableAt(now))
                .orElseGet(() -> links.create(new PageLink(
                        ids.next("pgl"), tenantId, sessionId, holder, now, now.plus(lifetime), null, null)));
        return token(link);
    }

    /**
     * The tenant a capability grants for {@code sessionId}, if it is genuine, for that session, not
     * revoked and not expired.
     *
     * @return empty for a missing, malformed, forged, foreign, revoked or expired capability
     */
    public Optional<String> verify(String sessionId, String capability) {
        if (capability == null || sessionId == null || capability.length() > 256) {
            return Optional.empty();
        }
        String[] parts = capability.split("\\.", -1);
        if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
            return Optional.empty();
        }
        byte[] expected = mac(parts[0], parts[1], sessionId).getBytes(StandardCharsets.US_ASCII);
        byte[] actual = parts[2].getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, actual)) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        return links.find(parts[0], parts[1])
                .filter(l -> l.sessionId().equals(sessionId) && l.usableAt(now))
                .map(PageLink::tenantId);
    }

    /** The session's links, newest first. */
    public List<PageLink> list(String tenantId, String sessionId) {
        return links.list(tenantId, sessionId);
    }

    /**
     * Revokes one link of the session; it stops working at once.
     *
     * @throws HubException.NotFound if the session of the tenant has no such link
     */
    public PageLink revoke(String tenantId, String sessionId, String linkId, String by) {
        return links.find(tenantId, linkId)
                .filter(l -> l.sessionId().equals(sessionId))
                .flatMap(l -> links.revoke(tenantId, linkId, by, clock.instant()))
                .orElseThrow(() -> new HubException.NotFound(
                        "page_link_not_found",
                        "session " + sessionId + " of tenant " + tenantId + " has no page link " + linkId
                                + "; list them with GET …/sessions/" + sessionId + "/links"));
    }

    private String token(PageLink link) {
        return link.tenantId() + "." + link.id() + "." + mac(link.tenantId(), link.id(), link.sessionId());
    }

    private String mac(String tenantId, String linkId, String sessionId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            // Length-prefixed fields, so "a|bc" and "ab|c" can never sign the same bytes.
            String message = "session-page-link\n" + tenantId.length() + ":" + tenantId + "\n" + linkId.length() + ":"
                    + linkId + "\n" + sessionId.length() + ":" + sessionId;
            byte[] digest = mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no HmacSHA256", e);
        }
    }
}
