package io.enginex.edge.server.store;

import java.util.List;
import java.util.Optional;

public interface SessionStore {
    Session create(Session session);

    Optional<Session> find(String tenantId, String id);

    /** Newest first, at most {@code limit}. */
    List<Session> list(String tenantId, int limit);
}
