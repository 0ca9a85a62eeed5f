package io.enginex.edge.server.testing;

import io.enginex.edge.server.store.PageLink;
import io.enginex.edge.server.store.PageLinkStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Page links in memory, for unit tests of one class; the JDBC store is tested against real databases. */
public final class FakePageLinkStore implements PageLinkStore {
    private final Map<String, PageLink> links = new ConcurrentHashMap<>();

    private static String key(String tenantId, String id) {
        return tenantId + "/" + id;
    }

    @Override
    public PageLink create(PageLink link) {
        links.put(key(link.tenantId(), link.id()), link);
        return link;
    }

    @Override
    public Optional<PageLink> newest(String tenantId, String sessionId, String issuedTo) {
        return list(tenantId, sessionId).stream()
                .filter(l -> l.issuedTo().equals(issuedTo))
                .findFirst();
    }

    @Override
    public Optional<PageLink> find(String tenantId, String id) {
        return Optional.ofNullable(links.get(key(tenantId, id)));
    }

    @Override
    public List<PageLink> list(String tenantId, String sessionId) {
        List<PageLink> out = new ArrayList<>();
        for (PageLink l : links.values()) {
            if (l.tenantId().equals(tenantId) && l.sessionId().equals(sessionId)) {
                out.add(l);
            }
        }
        out.sort(Comparator.comparing(PageLink::createdAt)
                .thenComparing(PageLink::id)
                .reversed());
        return out;
    }

    @Override
    public Optional<PageLink> revoke(String tenantId, String id, String by, Instant now) {
        return Optional.ofNullable(links.computeIfPresent(
                key(tenantId, id),
                (k, l) -> l.revokedAt() != null
                        ? l
                        : new PageLink(
                                l.id(),
                                l.tenantId(),
                                l.sessionId(),
                                l.issuedTo(),
                                l.createdAt(),
                                l.expiresAt(),
                                now,
                                by)));
    }
}
