package io.enginex.edge.server.oauth;

import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationErrorResponse;
import com.nimbusds.oauth2.sdk.AuthorizationRequest;
import com.nimbusds.oauth2.sdk.AuthorizationSuccessResponse;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseMode;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import io.enginex.edge.server.HubException;
import io.enginex.edge.server.IdGenerator;
import io.enginex.edge.server.audit.Actor;
import io.enginex.edge.server.audit.Audit;
import io.enginex.edge.server.audit.AuditType;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.auth.Origin;
import io.enginex.edge.server.auth.Secrets;
import io.enginex.edge.server.store.OAuthStore;
import io.enginex.edge.server.store.Transactions;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The authorization endpoint's logic (OAuth 2.1 authorization code with PKCE): checks a request, and
 * after a signed-in person's consent on the dashboard's page makes a grant and a one-time code. A
 * request whose client or redirect URI cannot be trusted is refused on the hub's own page ({@link
 * HubException}); any other fault goes back to the client's redirect URI as an OAuth error. Only
 * {@code S256} challenges, and the {@code resource} (RFC 8707) must be the MCP endpoint. Thread-safe.
 */
public final class AuthorizationServer {
    /** How long a code lives: it is redeemed by the client at once. */
    static final Duration CODE_TTL = Duration.ofMinutes(2);

    static final String CODE_PREFIX = "exc_";

    private final OAuthClients clients;
    private final OAuthStore store;
    private final OAuthMetadata metadata;
    private final Audit audit;
    private final Transactions tx;
    private final Secrets secrets;
    private final IdGenerator ids;
    private final Clock clock;

    public AuthorizationServer(
            OAuthClients clients,
            OAuthStore store,
            OAuthMetadata metadata,
            Audit audit,
            Transactions tx,
            Secrets secrets,
            IdGenerator ids,
            Clock clock) {
        this.clients = clients;
        this.store = store;
        this.metadata = metadata;
        this.audit = audit;
        this.tx = tx;
        this.secrets = secrets;
        this.ids = ids;
        this.clock = clock;
    }

    /** A request that passed every check, ready for the person's decision. */
    public record Request(
            OAuthStore.Client client, String redirectUri, State state, String codeChallenge, String resource) {}

    /**
     * What a request came to: either {@link #request} to show for consent, or {@link #refusal}, the
     * client's redirect URI carrying the OAuth error.
     */
    public record Checked(Request request, URI refusal) {}

    /**
     * Checks an authorization request's parameters.
     *
     * @throws HubException.BadRequest {@code unknown_oauth_client} or {@code invalid_redirect_uri} when
     *     the client or its redirect URI cannot be trusted (the person is not sent anywhere)
     */
    public Checked check(Map<String, List<String>> params) {
        String clientId = single(params, "client_id");
        OAuthStore.Client client = clients.find(clientId)
                .orElseThrow(() -> new HubException.BadRequest(
                        "unknown_oauth_client",
                        "the application that sent you here is not registered with this hub (client_id "
                                + (clientId == null ? "missing" : clip(clientId))
                                + "); start its sign-in again"));
        String asked = single(params, "redirect_uri");
        String redirect = asked == null
                ? (client.redirectUris().size() == 1 ? client.redirectUris().get(0) : null)
                : RedirectUris.match(client.redirectUris(), asked);
        if (redirect == null) {
            throw new HubException.BadRequest(
                    "invalid_redirect_uri",
                    "the application " + client.name() + " asked to be answered at a redirect URI it did not register"
                            + " (" + (asked == null ? "none given" : clip(asked)) + "); the hub sends nobody there");
        }
        URI to = URI.create(redirect);
        State state = State.parse(single(params, "state"));
        AuthorizationRequest parsed;
        try {
            parsed = AuthorizationRequest.parse(params);
        } catch (ParseException e) {
            ErrorObject error = e.getErrorObject() == null ? OAuth2Error.INVALID_REQUEST : e.getErrorObject();
            return refused(to, state, OAuthError.described(error, e.getMessage()));
        }
        if (!new ResponseType(ResponseType.Value.CODE).equals(parsed.getResponseType())) {
            return refused(
                    to, state, OAuthError.described(OAuth2Error.UNSUPPORTED_RESPONSE_TYPE, "only response_type=code"));
        }
        if (parsed.getCodeChallenge() == null || !CodeChallengeMethod.S256.equals(parsed.getCodeChallengeMethod())) {
            return refused(
                    to,
                    state,
                    OAuthError.described(
                            OAuth2Error.INVALID_REQUEST,
                            "PKCE is required: send code_challenge with code_challenge_method=S256"));
        }
        List<URI> resources = parsed.getResources();
        if (resources == null
                || resources.size() != 1
                || !metadata.resource().equals(resources.get(0).toString())) {
            return refused(
                    to,
                    state,
                    OAuthError.described(
                            OAuth2Error.INVALID_TARGET,
                            "send resource=" + metadata.resource()
                                    + ", the MCP endpoint, the one resource of this hub"));
        }
        if (parsed.getScope() != null && !parsed.getScope().toStringList().equals(List.of(OAuthMetadata.SCOPE))) {
            return refused(
                    to,
                    state,
                    OAuthError.described(OAuth2Error.INVALID_SCOPE, "the one scope is " + OAuthMetadata.SCOPE));
        }
        return new Checked(
                new Request(client, redirect, state, parsed.getCodeChallenge().getValue(), metadata.resource()), null);
    }

    /**
     * The person consented: a grant for them in their tenant, recorded {@code oauth-grant.created}, and
     * a code for the client.
     *
     * @return the client's redirect URI with the code and state
     */
    public URI approve(Request request, Caller person, Origin origin) {
        String code = secrets.newSecret(CODE_PREFIX);
        Instant now = clock.instant();
        var grant = new OAuthStore.Grant(
                ids.next("ogr"),
                request.client().id(),
                person.tenantId(),
                person.actorId(),
                request.resource(),
                OAuthMetadata.SCOPE,
                now,
                null);
        tx.run(() -> {
            store.createGrant(
                    grant,
                    new OAuthStore.Code(
                            Secrets.hash(code),
                            grant.id(),
                            request.redirectUri(),
                            request.codeChallenge(),
                            now.plus(CODE_TTL),
                            null));
            audit.record(
                    person.tenantId(),
                    AuditType.OAUTH_GRANT_CREATED,
                    Actor.of(person),
                    origin.sourceIp(),
                    new Audit.Target("oauth_grant", grant.id()),
                    Audit.Outcome.SUCCESS,
                    origin.tag(Map.of(
                            "clientId", request.client().id(),
                            "clientName", request.client().name(),
                            "redirectUri", request.redirectUri(),
                            "resource", request.resource())));
        });
        return new AuthorizationSuccessResponse(
                        URI.create(request.redirectUri()),
                        new AuthorizationCode(code),
                        null,
                        request.state(),
                        ResponseMode.QUERY)
                .toURI();
    }

    /** The person said no: the client's redirect URI with {@code access_denied}. */
    public URI deny(Request request) {
        return refused(
                        URI.create(request.redirectUri()),
                        request.state(),
                        OAuthError.described(OAuth2Error.ACCESS_DENIED, "the person did not allow this application"))
                .refusal();
    }

    private static Checked refused(URI to, State state, ErrorObject error) {
        return new Checked(null, new AuthorizationErrorResponse(to, error, state, ResponseMode.QUERY).toURI());
    }

    private static String single(Map<String, List<String>> params, String name) {
        List<String> values = params.get(name);
        return values == null || values.size() != 1 || values.get(0).isEmpty() ? null : values.get(0);
    }

    private static String clip(String s) {
        return s.length() > 100 ? s.substring(0, 100) + "…" : s;
    }
}
