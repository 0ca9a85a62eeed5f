package io.enginex.edge.server.oauth;

import com.nimbusds.oauth2.sdk.GrantType;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Where the hub's OAuth endpoints are and the two discovery documents that say so: the protected
 * resource's (RFC 9728, the MCP endpoint's) and the authorization server's (RFC 8414). The hub is
 * both, with its base URL as issuer. URLs are made from the hub's URL at each call, as it is known
 * only once the server listens.
 */
public final class OAuthMetadata {
    /** The MCP endpoint, the one protected resource. */
    public static final String RESOURCE_PATH = "/mcp";

    public static final String RESOURCE_METADATA_PATH = "/.well-known/oauth-protected-resource";
    public static final String SERVER_METADATA_PATH = "/.well-known/oauth-authorization-server";

    /** The consent page, a dashboard page (the person signs in there first). */
    public static final String AUTHORIZE_PATH = "/ui/oauth/authorize";

    public static final String TOKEN_PATH = "/oauth/token";
    public static final String REGISTER_PATH = "/oauth/register";
    public static final String REVOKE_PATH = "/oauth/revoke";

    /** The one scope: use the MCP endpoint as the person, within their role. */
    public static final String SCOPE = "mcp";

    private final Supplier<String> baseUrl;

    public OAuthMetadata(Supplier<String> baseUrl) {
        this.baseUrl = baseUrl;
    }

    public String issuer() {
        return baseUrl.get();
    }

    /** The MCP endpoint's canonical URI (RFC 8707): the audience every access token is bound to. */
    public String resource() {
        return baseUrl.get() + RESOURCE_PATH;
    }

    /** The protected resource metadata's URL for {@code /mcp} (the path-suffixed form of RFC 9728 §3.1). */
    public String resourceMetadataUrl() {
        return baseUrl.get() + RESOURCE_METADATA_PATH + RESOURCE_PATH;
    }

    /** The protected resource metadata of {@code /mcp} (RFC 9728). */
    public Map<String, Object> resourceMetadata() {
        var doc = new LinkedHashMap<String, Object>();
        doc.put("resource", resource());
        doc.put("authorization_servers", List.of(issuer()));
        doc.put("scopes_supported", List.of(SCOPE));
        doc.put("bearer_methods_supported", List.of("header"));
        doc.put("resource_name", "EngineX hub MCP endpoint");
        doc.put("resource_documentation", issuer() + "/openapi.json");
        return doc;
    }

    /** The authorization server metadata (RFC 8414), as JSON text. */
    public String serverMetadata() {
        String base = issuer();
        var meta = new AuthorizationServerMetadata(new Issuer(base));
        meta.setAuthorizationEndpointURI(URI.create(base + AUTHORIZE_PATH));
        meta.setTokenEndpointURI(URI.create(base + TOKEN_PATH));
        meta.setRegistrationEndpointURI(URI.create(base + REGISTER_PATH));
        meta.setRevocationEndpointURI(URI.create(base + REVOKE_PATH));
        meta.setScopes(new Scope(SCOPE));
        meta.setResponseTypes(List.of(ResponseType.CODE));
        meta.setGrantTypes(List.of(GrantType.AUTHORIZATION_CODE, GrantType.REFRESH_TOKEN));
        meta.setCodeChallengeMethods(List.of(CodeChallengeMethod.S256));
        meta.setTokenEndpointAuthMethods(List.of(ClientAuthenticationMethod.NONE));
        meta.setRevocationEndpointAuthMethods(List.of(ClientAuthenticationMethod.NONE));
        meta.setSupportsAuthorizationResponseIssuerParam(false);
        return meta.toJSONObject().toJSONString();
    }
}
