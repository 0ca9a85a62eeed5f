package io.enginex.edge.server.mcp;

import io.enginex.edge.server.auth.Caller;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStreamableServerSession;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends {@code notifications/tools/list_changed} to a tenant's MCP sessions on this node when the
 * tools they would list change (an agent came online or went, its tools or the caller's access
 * changed). The hub hears of changes from its agent sockets (an agent's connection made active or
 * ended here) and its live views (policies, revocations, enrolments, on this node and, through the
 * cluster's {@code live} signal, others); an agent connecting to or leaving another node is found by
 * a look every {@link #RECHECK} at the tenants that have watching sessions here. A change is checked
 * {@link #SETTLE} later, once per tenant
 * however many arrive meanwhile, by listing the tools again for each session's key and comparing the
 * names and input schemas with what that session last saw, so job traffic that changes no tool
 * costs one list per tenant per {@link #SETTLE} and sends nothing. A session that never listed
 * tools gets no notification: it has nothing to refresh.
 *
 * <p>Thread-safe; checks run on one daemon thread of their own.
 */
final class ToolListWatch implements AutoCloseable {
    /** How long a change settles before the tools are listed again. */
    static final Duration SETTLE = Duration.ofMillis(300);

    /** How often the tenants with sessions that listed tools are looked at anyway (other nodes' agents). */
    static final Duration RECHECK = Duration.ofSeconds(5);

    private static final Logger log = LoggerFactory.getLogger(ToolListWatch.class);

    private final McpTools tools;
    private final McpSessions sessions;
    private final Map<String, McpStreamableServerSession> open = new ConcurrentHashMap<>();
    private final Map<String, List<Object>> seen = new ConcurrentHashMap<>();
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService checks = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("mcp-tool-list-watch").daemon().factory());

    ToolListWatch(McpTools tools, McpSessions sessions) {
        this.tools = tools;
        this.sessions = sessions;
        checks.scheduleWithFixedDelay(
                this::recheckWatched, RECHECK.toMillis(), RECHECK.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void recheckWatched() {
        seen.keySet().stream()
                .map(sessions::tenantOf)
                .filter(java.util.Objects::nonNull)
                .distinct()
                .forEach(this::changed);
    }

    /** Wraps the SDK's session factory so this watch can reach the sessions it makes. */
    McpStreamableServerSession.Factory watching(McpStreamableServerSession.Factory factory) {
        return init -> {
            var started = factory.startSession(init);
            open.put(started.session().getId(), started.session());
            return started;
        };
    }

    /** Session {@code sessionId} was just sent {@code listed}: the list it now knows. */
    McpSchema.ListToolsResult listed(String sessionId, McpSchema.ListToolsResult listed) {
        if (sessionId != null) {
            seen.put(sessionId, shape(listed));
        }
        return listed;
    }

    void forget(String sessionId) {
        open.remove(sessionId);
        seen.remove(sessionId);
    }

    /** Something of {@code tenantId} changed; any thread, never blocks. */
    void changed(String tenantId) {
        if (tenantId != null && pending.add(tenantId)) {
            try {
                checks.schedule(() -> check(tenantId), SETTLE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                pending.remove(tenantId);
            }
        }
    }

    private void check(String tenantId) {
        pending.remove(tenantId); // a change from here on is checked again
        for (Map.Entry<String, Caller> s : sessions.ofTenant(tenantId).entrySet()) {
            String id = s.getKey();
            McpStreamableServerSession session = open.get(id);
            List<Object> before = seen.get(id);
            if (session == null || before == null) {
                continue;
            }
            try {
                List<Object> now = shape(tools.list(s.getValue()));
                if (!now.equals(before)) {
                    seen.put(id, now);
                    session.sendNotification(McpSchema.METHOD_NOTIFICATION_TOOLS_LIST_CHANGED, null)
                            .subscribe(
                                    null,
                                    e -> log.atDebug()
                                            .addKeyValue("mcpSession", id)
                                            .addKeyValue("reason", e.getMessage())
                                            .log("the tools/list_changed notification was not delivered"));
                    log.atDebug()
                            .addKeyValue("tenant", tenantId)
                            .addKeyValue("mcpSession", id)
                            .log("MCP tool list changed");
                }
            } catch (RuntimeException e) {
                log.atWarn()
                        .setCause(e)
                        .addKeyValue("tenant", tenantId)
                        .log("listing MCP tools to look for a change failed; the next change tries again");
            }
        }
    }

    /** What a client sees of a list: each tool's name and input schema, in order. */
    private static List<Object> shape(McpSchema.ListToolsResult list) {
        return list.tools().stream()
                .map(t -> (Object) List.of(t.name(), String.valueOf(t.inputSchema())))
                .toList();
    }

    @Override
    public void close() {
        checks.shutdownNow();
    }
}
