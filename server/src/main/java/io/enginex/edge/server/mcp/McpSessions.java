package io.enginex.edge.server.mcp;

import io.enginex.edge.server.auth.Caller;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The MCP sessions of this hub node: which API key opened each (a session id is bound to the key of
 * its {@code initialize}, so no other key can use it) and the hub session its tool calls run in,
 * made at its first call. In memory, like the SDK's own sessions: after a restart a client
 * initializes again. Keeps the {@link #MAX_SESSIONS} most recently used. Thread-safe; no lock is
 * held while a hub session is written.
 */
final class McpSessions {
    static final int MAX_SESSIONS = 10_000;

    private record Bound(Caller caller, AtomicReference<CompletableFuture<String>> hubSession) {
        String tenantId() {
            return caller.tenantId();
        }

        String keyId() {
            return caller.actorId();
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Bound> sessions = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Bound> eldest) {
            return size() > MAX_SESSIONS;
        }
    };

    /** Binds a session the SDK just made to the key whose {@code initialize} made it. */
    void bind(String mcpSessionId, Caller caller) {
        lock.lock();
        try {
            sessions.putIfAbsent(mcpSessionId, new Bound(caller, new AtomicReference<>()));
        } finally {
            lock.unlock();
        }
    }

    /** False when the session belongs to another key (unknown sessions are the SDK's to refuse). */
    boolean usableBy(String mcpSessionId, Caller caller) {
        Bound e = find(mcpSessionId);
        return e == null || e.tenantId().equals(caller.tenantId()) && e.keyId().equals(caller.actorId());
    }

    /** The sessions of {@code tenantId} on this node, each with the key that opened it. */
    Map<String, Caller> ofTenant(String tenantId) {
        lock.lock();
        try {
            Map<String, Caller> found = new LinkedHashMap<>();
            sessions.forEach((id, bound) -> {
                if (bound.tenantId().equals(tenantId)) {
                    found.put(id, bound.caller());
                }
            });
            return found;
        } finally {
            lock.unlock();
        }
    }

    /** The tenant of session {@code mcpSessionId}, or null when it is not bound here. */
    String tenantOf(String mcpSessionId) {
        Bound e = find(mcpSessionId);
        return e == null ? null : e.tenantId();
    }

    void forget(String mcpSessionId) {
        lock.lock();
        try {
            sessions.remove(mcpSessionId);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The id of this MCP session's hub session, made by {@code create} on the first call; concurrent
     * first calls wait for the one that creates it, and a failed creation is tried again next time.
     *
     * @throws IllegalStateException for a session that was never bound on this node
     */
    String hubSession(String mcpSessionId, Supplier<String> create) {
        Bound e = find(mcpSessionId);
        if (e == null) {
            throw new IllegalStateException("MCP session " + mcpSessionId + " is not known on this hub node");
        }
        var mine = new CompletableFuture<String>();
        CompletableFuture<String> earlier = e.hubSession().compareAndExchange(null, mine);
        if (earlier != null) {
            return earlier.join();
        }
        try {
            String id = create.get();
            mine.complete(id);
            return id;
        } catch (RuntimeException ex) {
            e.hubSession().set(null);
            mine.completeExceptionally(ex);
            throw ex;
        }
    }

    private Bound find(String mcpSessionId) {
        lock.lock();
        try {
            return sessions.get(mcpSessionId);
        } finally {
            lock.unlock();
        }
    }
}
