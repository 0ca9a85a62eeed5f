package io.enginex.edge.server.oauth;

import com.nimbusds.oauth2.sdk.GrantType;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.client.ClientInformation;
import com.nimbusds.oauth2.sdk.client.ClientMetadata;
import com.nimbusds.oauth2.sdk.client.RegistrationError;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.util.JSONObjectUtils;
import io.enginex.edge.protocol.Printable;
import io.enginex.edge.server.IdGenerator;
import io.enginex.edge.server.audit.Actor;
import io.enginex.edge.server.audit.Audit;
import io.enginex.edge.server.audit.AuditType;
import io.enginex.edge.server.store.OAuthStore;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import net.minidev.json.JSONObject;

/**
 * Dynamic Client Registration (RFC 7591) for public clients only: an MCP client registers its name
 * and redirect URIs and gets a {@code client_id}, no secret ({@code token_endpoint_auth_method}
 * {@code none}; PKCE protects its codes). Anyone may register (the MCP specification expects it); a
 * client can do nothing until a person consents to it. Thread-safe.
 */
public final class OAuthClients {
    static final int MAX_NAME = 200;
    static final int MAX_REDIRECT_URIS = 10;

    private final OAuthStore store;
    private final Audit audit;
    private final IdGenerator ids;
    private final Clock clock;

    public OAuthClients(OAuthStore store, Audit audit, IdGenerator ids, Clock clock) {
        this.store = store;
        this.audit = audit;
        this.ids = ids;
        this.clock = clock;
    }

    /**
     * Registers a client from the request's JSON body and answers its client information.
     *
     * @throws OAuthError {@code invalid_client_metadata} or {@code invalid_redirect_uri} (400), naming
     *     the field and the fix; nothing is stored then
     */
    public JSONObject register(String body, String sourceIp) {
        ClientMetadata metadata;
        try {
            metadata = ClientMetadata.parse(JSONObjectUtils.parse(body == null ? "" : body));
        } catch (ParseException e) {
            throw new OAuthError(
                    RegistrationError.INVALID_CLIENT_METADATA,
                    "the body must be a JSON object of client metadata (RFC 7591): " + e.getMessage());
        }
        List<String> uris = redirectUris(metadata);
        String name = name(metadata.getName());
        requireSubset(
                "grant_types", metadata.getGrantTypes(), Set.of(GrantType.AUTHORIZATION_CODE, GrantType.REFRESH_TOKEN));
        requireSubset("response_types", metadata.getResponseTypes(), Set.of(ResponseType.CODE));
        ClientAuthenticationMethod method = metadata.getTokenEndpointAuthMethod();
        if (method != null && !ClientAuthenticationMethod.NONE.equals(method)) {
            throw new OAuthError(
                    RegistrationError.INVALID_CLIENT_METADATA,
                    "token_endpoint_auth_method " + method + " is not offered: this hub registers public clients"
                            + " only; send \"none\" (PKCE protects the code)");
        }
        Instant now = clock.instant();
        String id = ids.next("ocl");
        store.createClient(new OAuthStore.Client(id, name, uris, now));
        audit.record(
                null,
                AuditType.OAUTH_CLIENT_REGISTERED,
                Actor.anonymous(name),
                sourceIp,
                new Audit.Target("oauth_client", id),
                Audit.Outcome.SUCCESS,
                Map.of("clientName", name, "redirectUris", uris));
        var answer = new ClientMetadata();
        answer.setName(name);
        answer.setRedirectionURIs(
                new LinkedHashSet<>(uris.stream().map(URI::create).toList()));
        answer.setGrantTypes(Set.of(GrantType.AUTHORIZATION_CODE, GrantType.REFRESH_TOKEN));
        answer.setResponseTypes(Set.of(ResponseType.CODE));
        answer.setTokenEndpointAuthMethod(ClientAuthenticationMethod.NONE);
        return new ClientInformation(new ClientID(id), Date.from(now), answer, null).toJSONObject();
    }

    /** The registered client, if any. */
    public Optional<OAuthStore.Client> find(String clientId) {
        return clientId == null || clientId.length() > 64 ? Optional.empty() : store.findClient(clientId);
    }

    private static List<String> redirectUris(ClientMetadata metadata) {
        Set<URI> given = metadata.getRedirectionURIs();
        if (given == null || given.isEmpty()) {
            throw new OAuthError(
                    RegistrationError.INVALID_REDIRECT_URI,
                    "redirect_uris is required: the URLs the hub may send the authorization code to");
        }
        if (given.size() > MAX_REDIRECT_URIS) {
            throw new OAuthError(
                    RegistrationError.INVALID_REDIRECT_URI,
                    "at most " + MAX_REDIRECT_URIS + " redirect_uris; register fewer");
        }
        List<String> uris = new ArrayList<>();
        for (URI uri : given) {
            String problem = RedirectUris.problem(uri.toString());
            if (problem != null) {
                throw new OAuthError(
                        RegistrationError.INVALID_REDIRECT_URI, "redirect URI " + clip(uri.toString()) + " " + problem);
            }
            uris.add(uri.toString());
        }
        return uris;
    }

    private static String name(String given) {
        if (given == null || given.isBlank()) {
            return "unnamed client";
        }
        String name = given.strip();
        if (name.length() > MAX_NAME || Printable.problem(name) != null) {
            throw new OAuthError(
                    RegistrationError.INVALID_CLIENT_METADATA,
                    "client_name must be 1-" + MAX_NAME + " printable characters");
        }
        return name;
    }

    private static <T> void requireSubset(String field, Set<T> given, Set<T> offered) {
        if (given != null && !offered.containsAll(given)) {
            throw new OAuthError(
                    RegistrationError.INVALID_CLIENT_METADATA, field + " may only be " + offered + "; got " + given);
        }
    }

    private static String clip(String s) {
        return s.length() > 100 ? s.substring(0, 100) + "…" : s;
    }
}
