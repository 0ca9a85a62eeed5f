package io.enginex.edge.server.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.server.HubException;
import io.enginex.edge.server.auth.ApiKeys;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.oauth.OAuth;
import io.enginex.edge.server.oauth.OAuthTokens;
import io.enginex.edge.server.store.DatabaseUnavailableException;
import io.modelcontextprotocol.spec.HttpHeaders;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.util.Map;

/**
 * Guards {@code /mcp} in front of the SDK's servlet: every request must carry a tenant's API key
 * ({@code Authorization: Bearer exk_…}, the REST API's keys) or an OAuth access token the hub issued
 * for this endpoint ({@code exo_…}, see {@link OAuthTokens}; it acts as its user, with the user's
 * role). A request without either is answered 401 with {@code WWW-Authenticate: Bearer
 * resource_metadata="…"}, where an MCP client starts OAuth (RFC 9728). A session id is bound to the key whose
 * {@code initialize} made it; the body is read once (at most the hub's body limit) so the JSON-RPC id
 * of a request is known to the handlers (it makes a tool call's idempotency key). Refusals are the
 * REST API's JSON error shape with the same status codes. Runs on the request's (virtual) thread.
 */
final class McpAccess extends HttpFilter {
    private static final long serialVersionUID = 1L;

    private final transient ApiKeys keys;
    private final transient OAuth oauth;
    private final transient McpSessions sessions;
    private final transient ObjectMapper mapper;
    private final int maxBodyBytes;

    McpAccess(ApiKeys keys, OAuth oauth, McpSessions sessions, ObjectMapper mapper, int maxBodyBytes) {
        this.keys = keys;
        this.oauth = oauth;
        this.sessions = sessions;
        this.mapper = mapper;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        res.setHeader("X-Content-Type-Options", "nosniff");
        res.setHeader("Cache-Control", "no-store");
        res.setHeader("X-Frame-Options", "DENY");
        res.setHeader("Referrer-Policy", "no-referrer");
        Caller caller;
        byte[] body;
        try {
            caller = authenticate(req.getHeader("Authorization"));
            String session = req.getHeader(HttpHeaders.MCP_SESSION_ID);
            if (session != null && !sessions.usableBy(session, caller)) {
                throw new HubException.NotFound(
                        "mcp_session_not_found",
                        "no MCP session " + session + " for this API key; send initialize again to start one");
            }
            body = "POST".equals(req.getMethod()) ? req.getInputStream().readNBytes(maxBodyBytes + 1) : new byte[0];
        } catch (HubException e) {
            refuse(res, e, req.getHeader("Authorization") != null);
            return;
        } catch (DatabaseUnavailableException e) {
            res.setHeader("Retry-After", "5");
            write(res, 503, "database_unavailable", "the hub's database is unavailable; retry in a few seconds");
            return;
        }
        if (body.length > maxBodyBytes) {
            write(res, 413, "payload_too_large", "an MCP message may have at most " + maxBodyBytes + " bytes");
            return;
        }
        req.setAttribute(McpContext.KEY, new McpContext(caller, rpcId(body), req.getRemoteAddr()));
        chain.doFilter(new CachedBody(req, body), new Binding(res, req, caller));
        if ("DELETE".equals(req.getMethod()) && res.getStatus() < 300) {
            sessions.forget(req.getHeader(HttpHeaders.MCP_SESSION_ID));
        }
    }

    private Caller authenticate(String authorization) {
        if (authorization == null) {
            throw new HubException.Unauthenticated(
                    "unauthenticated",
                    "the MCP endpoint needs an OAuth access token (an MCP client gets one from "
                            + oauth.metadata().resourceMetadataUrl()
                            + ") or a tenant's API key: Authorization: Bearer exk_… (make one with"
                            + " engine api-keys create --tenant T --role operator)");
        }
        String bearer = ApiKeys.bearer(authorization);
        if (OAuthTokens.isAccessToken(bearer)) {
            return oauth.tokens().authenticate(bearer);
        }
        Caller caller = keys.authenticate(authorization);
        if (caller.platform()) {
            throw new HubException.Forbidden(
                    "tenant_key_required",
                    "a platform key belongs to no tenant, and MCP lists one tenant's agents; use a key of the"
                            + " tenant: engine api-keys create --tenant T --role operator");
        }
        return caller;
    }

    /** The id of a single JSON-RPC request as JSON text, else null (the SDK answers malformed bodies). */
    private String rpcId(byte[] body) {
        if (body.length == 0) {
            return null;
        }
        try {
            JsonNode message = mapper.readTree(body);
            JsonNode id = message == null ? null : message.get("id");
            return id != null && message.has("method") && (id.isTextual() || id.isIntegralNumber())
                    ? id.toString()
                    : null;
        } catch (IOException e) {
            return null;
        }
    }

    private void refuse(HttpServletResponse res, HubException e, boolean sentCredential) throws IOException {
        if (e instanceof HubException.Unauthenticated) {
            // RFC 6750 §3 and RFC 9728 §5.1: where to get a token, and, for one sent, that it is no good.
            res.setHeader(
                    "WWW-Authenticate",
                    "Bearer realm=\"enginex\", "
                            + (sentCredential ? "error=\"invalid_token\", " : "")
                            + "resource_metadata=\"" + oauth.metadata().resourceMetadataUrl() + "\"");
        }
        if (e instanceof HubException.RateLimited limited) {
            res.setHeader("Retry-After", String.valueOf(limited.retryAfterSeconds()));
        }
        write(res, e.httpStatus(), e.code(), e.getMessage());
    }

    private void write(HttpServletResponse res, int status, String code, String message) throws IOException {
        res.setStatus(status);
        res.setContentType("application/json; charset=utf-8");
        mapper.writeValue(res.getOutputStream(), Map.of("error", Map.of("code", code, "message", message)));
    }

    /** Binds the session id the SDK sets on an {@code initialize} answer before the answer is sent. */
    private final class Binding extends HttpServletResponseWrapper {
        private final boolean fresh;
        private final Caller caller;

        Binding(HttpServletResponse res, HttpServletRequest req, Caller caller) {
            super(res);
            this.fresh = req.getHeader(HttpHeaders.MCP_SESSION_ID) == null;
            this.caller = caller;
        }

        @Override
        public void setHeader(String name, String value) {
            if (fresh && HttpHeaders.MCP_SESSION_ID.equalsIgnoreCase(name) && value != null) {
                sessions.bind(value, caller);
            }
            super.setHeader(name, value);
        }

        @Override
        public void addHeader(String name, String value) {
            if (fresh && HttpHeaders.MCP_SESSION_ID.equalsIgnoreCase(name) && value != null) {
                sessions.bind(value, caller);
            }
            super.addHeader(name, value);
        }
    }
}
