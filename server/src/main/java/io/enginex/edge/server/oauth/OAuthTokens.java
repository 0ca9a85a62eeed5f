package io.enginex.edge.server.oauth;

import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenRevocationRequest;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.pkce.CodeChallenge;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.oauth2.sdk.token.Tokens;
import io.enginex.edge.server.HubException;
import io.enginex.edge.server.audit.Actor;
import io.enginex.edge.server.audit.Audit;
import io.enginex.edge.server.audit.AuditType;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.auth.Role;
import io.enginex.edge.server.auth.Secrets;
import io.enginex.edge.server.auth.Users;
import io.enginex.edge.server.store.OAuthStore;
import io.enginex.edge.server.store.OAuthStore.Token;
import io.enginex.edge.server.store.User;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.minidev.json.JSONObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The token endpoint (authorization code with PKCE, and refresh), revocation (RFC 7009), and the MCP
 * endpoint's check of an access token. Access tokens are short-lived and opaque, refresh tokens are
 * rotated on every use, and only their hashes are stored. Every token belongs to a grant (one client,
 * one user of one tenant, one resource); a code or refresh token used twice revokes its grant, as
 * OAuth 2.1 advises, since one of the two users is a thief. A token acts as its user with the user's
 * role at the time of each request; a disabled user's tokens stop at once. Thread-safe.
 */
public final class OAuthTokens {
    public static final Duration ACCESS_TTL = Duration.ofMinutes(10);
    public static final Duration REFRESH_TTL = Duration.ofDays(30);

    /** Prefix of access tokens: what {@code /mcp} takes beside API keys. */
    public static final String ACCESS_PREFIX = "exo_";

    static final String REFRESH_PREFIX = "exf_";

    private static final Logger log = LoggerFactory.getLogger(OAuthTokens.class);

    private final OAuthClients clients;
    private final OAuthStore store;
    private final OAuthMetadata metadata;
    private final Users users;
    private final Audit audit;
    private final Secrets secrets;
    private final Clock clock;

    public OAuthTokens(
            OAuthClients clients,
            OAuthStore store,
            OAuthMetadata metadata,
            Users users,
            Audit audit,
            Secrets secrets,
            Clock clock) {
        this.clients = clients;
        this.store = store;
        this.metadata = metadata;
        this.users = users;
        this.audit = audit;
        this.secrets = secrets;
        this.clock = clock;
    }

    /**
     * Answers a token request: a new access token and refresh token.
     *
     * @throws OAuthError {@code invalid_request}, {@code invalid_client}, {@code invalid_grant}, {@code
     *     invalid_target} or {@code unsupported_grant_type}
     */
    public JSONObject token(HTTPRequest request, String sourceIp) {
        TokenRequest parsed;
        try {
            parsed = TokenRequest.parse(request);
        } catch (ParseException e) {
            throw new OAuthError(
                    e.getErrorObject() == null ? OAuth2Error.INVALID_REQUEST : e.getErrorObject(), e.getMessage());
        }
        OAuthStore.Client client = publicClient(parsed.getClientAuthentication() == null ? parsed.getClientID() : null);
        AuthorizationGrant grant = parsed.getAuthorizationGrant();
        OAuthStore.Grant granted;
        Tokens tokens;
        if (grant instanceof AuthorizationCodeGrant code) {
            granted = redeem(client, code, parsed.getResources(), sourceIp);
            tokens = issue(
                    granted,
                    (hash, list) -> store.redeemCode(hash, clock.instant(), list),
                    code.getAuthorizationCode().getValue());
        } else if (grant instanceof RefreshTokenGrant refresh) {
            granted = refreshed(client, refresh.getRefreshToken().getValue(), parsed.getResources(), sourceIp);
            tokens = issue(
                    granted,
                    (hash, list) -> store.rotateRefresh(hash, clock.instant(), list),
                    refresh.getRefreshToken().getValue());
        } else {
            throw new OAuthError(
                    OAuth2Error.UNSUPPORTED_GRANT_TYPE, "this hub answers authorization_code and refresh_token only");
        }
        return new AccessTokenResponse(tokens).toJSONObject();
    }

    /**
     * Revokes the grant of a token the client holds (RFC 7009): both its access and refresh tokens.
     * An unknown token, or one of another client, changes nothing and is not an error.
     *
     * @throws OAuthError {@code invalid_request} or {@code invalid_client}
     */
    public void revoke(HTTPRequest request, String sourceIp) {
        TokenRevocationRequest parsed;
        try {
            parsed = TokenRevocationRequest.parse(request);
        } catch (ParseException e) {
            throw new OAuthError(
                    e.getErrorObject() == null ? OAuth2Error.INVALID_REQUEST : e.getErrorObject(), e.getMessage());
        }
        OAuthStore.Client client = publicClient(parsed.getClientAuthentication() == null ? parsed.getClientID() : null);
        store.findToken(Secrets.hash(parsed.getToken().getValue()))
                .flatMap(t -> store.findGrant(t.grantId()))
                .filter(g -> g.clientId().equals(client.id()))
                .ifPresent(g ->
                        revoke(g, client, new Actor("oauth_client", client.id()), sourceIp, "revoked by the client"));
    }

    /**
     * The caller an access token stands for on the MCP endpoint: its user, in its tenant, with the
     * user's current role.
     *
     * @throws HubException.Unauthenticated {@code invalid_token} for an unknown, expired or revoked
     *     token, one for another resource, or one of a disabled user
     */
    public Caller authenticate(String accessToken) {
        Instant now = clock.instant();
        Token token = store.findToken(Secrets.hash(accessToken))
                .filter(t -> Token.ACCESS.equals(t.kind()))
                .orElseThrow(() -> invalidToken("this access token is unknown; sign in again"));
        if (!token.expiresAt().isAfter(now)) {
            throw invalidToken("this access token has expired; refresh it with the refresh token");
        }
        OAuthStore.Grant grant = store.findGrant(token.grantId()).orElseThrow();
        if (grant.revokedAt() != null) {
            throw invalidToken("this access token was revoked; sign in again");
        }
        if (!metadata.resource().equals(grant.resource())) {
            throw invalidToken("this access token is for " + grant.resource() + ", not for " + metadata.resource()
                    + "; ask this hub for a token with resource=" + metadata.resource());
        }
        User user = activeUser(grant).orElseThrow(() -> invalidToken("the user of this token is disabled"));
        return new Caller(
                user.id(), user.tenantId(), Role.fromWire(user.role()), Caller.Kind.USER, false, user.email());
    }

    /** Whether a bearer value looks like one of this hub's OAuth access tokens. */
    public static boolean isAccessToken(String bearer) {
        return bearer != null && bearer.startsWith(ACCESS_PREFIX);
    }

    private OAuthStore.Grant redeem(
            OAuthStore.Client client, AuthorizationCodeGrant code, List<URI> resources, String sourceIp) {
        OAuthStore.Code stored = store.findCode(
                        Secrets.hash(code.getAuthorizationCode().getValue()))
                .orElseThrow(() -> invalidGrant("unknown authorization code; start the authorization again"));
        OAuthStore.Grant grant = store.findGrant(stored.grantId()).orElseThrow();
        if (!grant.clientId().equals(client.id())) {
            throw invalidGrant("this code was issued to another client");
        }
        if (stored.usedAt() != null) {
            revoke(grant, client, Actor.system(), sourceIp, "authorization code used twice");
            throw invalidGrant("this authorization code was already used; its grant is revoked, start again");
        }
        if (!stored.expiresAt().isAfter(clock.instant())) {
            throw invalidGrant("this authorization code has expired (codes live "
                    + AuthorizationServer.CODE_TTL.toSeconds() + " s); start the authorization again");
        }
        if (code.getRedirectionURI() != null
                && !code.getRedirectionURI().toString().equals(stored.redirectUri())) {
            throw invalidGrant("redirect_uri differs from the authorization request's");
        }
        if (code.getCodeVerifier() == null) {
            throw invalidGrant("code_verifier is required (PKCE)");
        }
        String computed = CodeChallenge.compute(CodeChallengeMethod.S256, code.getCodeVerifier())
                .getValue();
        if (!Secrets.constantTimeEquals(computed, stored.codeChallenge())) {
            throw invalidGrant("code_verifier does not match the code_challenge (S256)");
        }
        requireResource(grant, resources);
        return live(grant);
    }

    private OAuthStore.Grant refreshed(OAuthStore.Client client, String refresh, List<URI> resources, String sourceIp) {
        Token token = store.findToken(Secrets.hash(refresh))
                .filter(t -> Token.REFRESH.equals(t.kind()))
                .orElseThrow(() -> invalidGrant("unknown refresh token; sign in again"));
        OAuthStore.Grant grant = store.findGrant(token.grantId()).orElseThrow();
        if (!grant.clientId().equals(client.id())) {
            throw invalidGrant("this refresh token was issued to another client");
        }
        if (token.usedAt() != null) {
            revoke(grant, client, Actor.system(), sourceIp, "refresh token used twice");
            throw invalidGrant("this refresh token was already used (each is good once); its grant is revoked,"
                    + " sign in again");
        }
        if (!token.expiresAt().isAfter(clock.instant())) {
            throw invalidGrant("this refresh token has expired; sign in again");
        }
        requireResource(grant, resources);
        return live(grant);
    }

    /** The grant, if it is not revoked and its user may still sign in. */
    private OAuthStore.Grant live(OAuthStore.Grant grant) {
        if (grant.revokedAt() != null) {
            throw invalidGrant("this grant was revoked; sign in again");
        }
        if (activeUser(grant).isEmpty()) {
            throw invalidGrant("the user of this grant is disabled");
        }
        return grant;
    }

    private void requireResource(OAuthStore.Grant grant, List<URI> resources) {
        if (resources != null
                && !resources.isEmpty()
                && (resources.size() != 1
                        || !grant.resource().equals(resources.get(0).toString()))) {
            throw new OAuthError(
                    OAuth2Error.INVALID_TARGET,
                    "this grant is for resource " + grant.resource() + " only; send that as resource");
        }
    }

    /** Spender: marks the code or refresh token used and stores the new tokens, or says it lost. */
    @FunctionalInterface
    private interface Spend {
        boolean spend(String hash, List<Token> tokens);
    }

    private Tokens issue(OAuthStore.Grant grant, Spend spend, String spent) {
        Instant now = clock.instant();
        String access = secrets.newSecret(ACCESS_PREFIX);
        String refresh = secrets.newSecret(REFRESH_PREFIX);
        List<Token> tokens = List.of(
                new Token(Secrets.hash(access), grant.id(), Token.ACCESS, now.plus(ACCESS_TTL), null),
                new Token(Secrets.hash(refresh), grant.id(), Token.REFRESH, now.plus(REFRESH_TTL), null));
        if (!spend.spend(Secrets.hash(spent), tokens)) {
            // A racing request with the same code or refresh token won.
            throw invalidGrant("this code or refresh token was just used; start again");
        }
        log.atDebug()
                .addKeyValue("grant", grant.id())
                .addKeyValue("tenant", grant.tenantId())
                .log("oauth tokens issued");
        return new Tokens(
                new BearerAccessToken(access, ACCESS_TTL.toSeconds(), new Scope(grant.scope())),
                new RefreshToken(refresh));
    }

    private void revoke(OAuthStore.Grant grant, OAuthStore.Client client, Actor actor, String sourceIp, String reason) {
        if (store.revokeGrant(grant.id(), clock.instant())) {
            audit.record(
                    grant.tenantId(),
                    AuditType.OAUTH_GRANT_REVOKED,
                    actor,
                    sourceIp,
                    new Audit.Target("oauth_grant", grant.id()),
                    Audit.Outcome.SUCCESS,
                    Map.of("clientId", client.id(), "clientName", client.name(), "reason", reason));
        }
    }

    private Optional<User> activeUser(OAuthStore.Grant grant) {
        try {
            User user = users.find(grant.tenantId(), grant.userId());
            return user.disabledAt() == null ? Optional.of(user) : Optional.empty();
        } catch (HubException.NotFound gone) {
            return Optional.empty();
        }
    }

    /** The client of a request without client authentication (public clients only). */
    private OAuthStore.Client publicClient(ClientID clientId) {
        if (clientId == null) {
            throw new OAuthError(
                    OAuth2Error.INVALID_CLIENT,
                    "send client_id in the form; this hub's clients are public (no secret, no Authorization header)");
        }
        return clients.find(clientId.getValue())
                .orElseThrow(() -> new OAuthError(
                        OAuth2Error.INVALID_CLIENT,
                        "unknown client_id; register again at " + OAuthMetadata.REGISTER_PATH));
    }

    private static OAuthError invalidGrant(String description) {
        return new OAuthError(OAuth2Error.INVALID_GRANT, description);
    }

    private static HubException.Unauthenticated invalidToken(String message) {
        return new HubException.Unauthenticated("invalid_token", message);
    }
}
