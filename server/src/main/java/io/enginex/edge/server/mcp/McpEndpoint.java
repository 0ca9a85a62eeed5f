package io.enginex.edge.server.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpNotificationHandler;
import io.modelcontextprotocol.server.McpRequestHandler;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.DefaultMcpStreamableServerSessionFactory;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.servlet.DispatcherType;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import reactor.core.publisher.Mono;

/**
 * The hub's MCP server at {@value #PATH}: the official MCP Java SDK's Streamable HTTP servlet
 * ({@link HttpServletStreamableServerTransportProvider}) mounted beside Javalin's servlet in the same
 * Jetty context, behind {@link McpAccess}. The SDK's {@code McpServer} keeps one static tool list
 * for all clients; the hub's tools differ per tenant and change as agents come and go, so the
 * sessions are built with the SDK's own session factory and the hub's handlers for {@code
 * initialize}, {@code ping}, {@code tools/list} ({@link McpTools}) and {@code tools/call} ({@link
 * ToolCalls}). Handlers run on the request's virtual thread. The tool list changes as agents come and
 * go, and clients are told ({@link ToolListWatch}, the {@code listChanged} capability). Mount once, before the server starts;
 * {@link #close()} ends open streams so the server can stop.
 */
public final class McpEndpoint {
    public static final String PATH = "/mcp";

    private final HttpServletStreamableServerTransportProvider transport;
    private final McpAccess access;
    private final ToolListWatch watch;

    /**
     * @param maxBodyBytes the hub's body limit, also for MCP messages
     * @param maxWait how long a tool call waits for its job before answering that it still runs
     */
    public McpEndpoint(McpParts parts, int maxBodyBytes, Duration maxWait) {
        var sessions = new McpSessions();
        this.access = new McpAccess(parts.keys(), parts.oauth(), sessions, parts.mapper(), maxBodyBytes);
        var tools = new McpTools(parts.agents(), parts.states(), parts.toolRules(), parts.mapper());
        this.watch = new ToolListWatch(tools, sessions);
        var results = new JobResults(parts.jobs(), parts.mapper(), parts.baseUrl(), maxWait);
        var calls = new ToolCalls(
                tools,
                parts.jobs(),
                parts.creates(),
                new HubSessions(parts.jobs(), parts.audit(), parts.creates(), sessions),
                results);
        this.transport = HttpServletStreamableServerTransportProvider.builder()
                .jsonMapper(new JacksonMcpJsonMapper(new ObjectMapper()))
                .mcpEndpoint(PATH)
                .maxRequestSize(maxBodyBytes)
                .contextExtractor(
                        req -> McpTransportContext.create(Map.of(McpContext.KEY, req.getAttribute(McpContext.KEY))))
                .build();
        Map<String, McpRequestHandler<?>> requests = Map.of(
                McpSchema.METHOD_PING, (exchange, params) -> Mono.just(Map.of()),
                McpSchema.METHOD_TOOLS_LIST,
                        (exchange, params) -> Mono.fromCallable(
                                () -> watch.listed(exchange.sessionId(), tools.list(caller(exchange)))),
                McpSchema.METHOD_TOOLS_CALL,
                        (exchange, params) -> Mono.fromCallable(() -> calls.call(exchange, params)));
        Map<String, McpNotificationHandler> notifications =
                Map.of(McpSchema.METHOD_NOTIFICATION_INITIALIZED, (exchange, params) -> Mono.empty());
        transport.setSessionFactory(watch.watching(new DefaultMcpStreamableServerSessionFactory(
                Duration.ofSeconds(30),
                init -> Mono.just(initialized(init, parts.version())),
                requests,
                notifications,
                closed -> Mono.fromRunnable(() -> {
                    sessions.forget(closed);
                    watch.forget(closed);
                }),
                null))); // no schema validator: the hub declares no output schemas (see the POM)
    }

    /** Adds the servlet and its guard to Javalin's context (from {@code JettyConfig.modifyServletContextHandler}). */
    public void mount(ServletContextHandler context) {
        var servlet = new ServletHolder("mcp", transport);
        servlet.setAsyncSupported(true);
        context.addServlet(servlet, PATH);
        var guard = new FilterHolder(access);
        guard.setAsyncSupported(true);
        context.addFilter(guard, PATH, EnumSet.of(DispatcherType.REQUEST));
    }

    /**
     * The tools of {@code tenantId}'s agents may have changed: its MCP clients on this node that
     * listed them are told ({@code notifications/tools/list_changed}) if their list did. Any thread.
     */
    public void toolsMayHaveChanged(String tenantId) {
        watch.changed(tenantId);
    }

    /** Ends every MCP session and its open streams. */
    public void close() {
        watch.close();
        transport.closeGracefully().block(Duration.ofSeconds(5));
    }

    private static io.enginex.edge.server.auth.Caller caller(io.modelcontextprotocol.server.McpAsyncServerExchange e) {
        return ((McpContext) e.transportContext().get(McpContext.KEY)).caller();
    }

    /** The protocol version: the client's when the SDK's transport speaks it, else the newest it does. */
    private McpSchema.InitializeResult initialized(McpSchema.InitializeRequest init, String version) {
        List<String> supported = transport.protocolVersions();
        String protocol = supported.contains(init.protocolVersion())
                ? init.protocolVersion()
                : supported.get(supported.size() - 1);
        return McpSchema.InitializeResult.builder(
                        protocol,
                        McpSchema.ServerCapabilities.builder().tools(true).build(),
                        McpSchema.Implementation.builder("enginex-hub", version).build())
                .instructions(
                        "Tools of this tenant's online EngineX desktop agents, named <agent>__<tool>. A call runs as a job"
                                + " on that machine under the tenant's policy; one that needs a person's approval answers"
                                + " with the approval page, and " + JobResults.TOOL_NAME + " fetches its result later.")
                .build();
    }
}
