package io.enginex.edge.server.store;

import java.util.List;
import java.util.Optional;

/** Session page links, by tenant. Thread-safe. */
public interface PageLinkStore {
    /** Stores a new link. */
    PageLink create(PageLink link);

    /** The newest link of {@code issuedTo} for the session, revoked and expired ones included. */
    Optional<PageLink> newest(String tenantId, String sessionId, String issuedTo);

    Optional<PageLink> find(String tenantId, String id);

    /** The session's links, newest first. */
    List<PageLink> list(String tenantId, String sessionId);

    /**
     * Marks the link revoked (once; a second revoke keeps the first time and actor).
     *
     * @return the link as it is now, or empty if the tenant has no such link
     */
    Optional<PageLink> revoke(String tenantId, String id, String by, java.time.Instant now);
}
