package io.enginex.edge.server.sso;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.GeneralException;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.LogoutRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import io.enginex.edge.server.HubException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import net.minidev.json.JSONObject;

/**
 * The hub as an OpenID Connect relying party, on the Nimbus OAuth 2.0 / OpenID Connect SDK: the
 * provider's discovery document, the authorisation request (code flow, PKCE S256, state, nonce), the
 * code's exchange at the token endpoint and the ID token's validation (signature against the
 * provider's JWKS, issuer, audience, expiry, nonce). Discovery documents are cached for {@link
 * #METADATA_TTL} per issuer, key sets by the SDK's {@link JWKSourceBuilder} (refetched when a token
 * names a key it does not hold). Calls to the provider block (on a request's virtual thread) for at
 * most {@link #TIMEOUT} each. Thread-safe.
 */
final class OidcClient {
    /** How long one call to a provider may take to connect, and to answer. */
    static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** How long a provider's discovery document is used before it is fetched again. */
    static final Duration METADATA_TTL = Duration.ofMinutes(10);

    /** The most a key set may weigh. */
    private static final int MAX_JWKS_BYTES = 256 * 1024;

    /** Signature algorithms an ID token may use: asymmetric only (never none, never HMAC). */
    private static final Set<JWSAlgorithm> ASYMMETRIC = new LinkedHashSet<>(List.of(
            JWSAlgorithm.RS256,
            JWSAlgorithm.RS384,
            JWSAlgorithm.RS512,
            JWSAlgorithm.PS256,
            JWSAlgorithm.PS384,
            JWSAlgorithm.PS512,
            JWSAlgorithm.ES256,
            JWSAlgorithm.ES384,
            JWSAlgorithm.ES512,
            JWSAlgorithm.Ed25519,
            JWSAlgorithm.EdDSA));

    private final Clock clock;
    private final ConcurrentHashMap<String, Discovered> discovered = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<URI, JWKSource<SecurityContext>> keySets = new ConcurrentHashMap<>();

    OidcClient(Clock clock) {
        this.clock = clock;
    }

    /** A provider's discovery document and when it was fetched. */
    private record Discovered(OIDCProviderMetadata metadata, Instant at) {}

    /** What the hub uses of a provider's discovery document. */
    record Provider(
            String issuer,
            URI authorizationEndpoint,
            URI tokenEndpoint,
            URI jwksUri,
            URI endSessionEndpoint,
            Set<JWSAlgorithm> idTokenAlgorithms,
            ClientAuthenticationMethod clientAuthentication) {}

    /** A person the provider vouched for in an ID token that passed every check. */
    record Verified(IDTokenClaimsSet claims) {}

    /**
     * Checks that an issuer URL can be one: absolute, HTTPS (plain HTTP only to this machine's own
     * loopback addresses, as everywhere in the hub), no query or fragment.
     *
     * @throws HubException.BadRequest {@code invalid_issuer} naming what is wrong
     */
    static void requireIssuerUrl(String issuer) {
        URI uri;
        try {
            uri = new URI(issuer);
        } catch (URISyntaxException e) {
            throw new HubException.BadRequest("invalid_issuer", "issuer is not a URL: " + e.getReason());
        }
        if (!uri.isAbsolute() || uri.getHost() == null) {
            throw new HubException.BadRequest(
                    "invalid_issuer", "issuer must be an absolute URL such as https://login.example.com/realms/acme");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new HubException.BadRequest("invalid_issuer", "issuer must have no query and no fragment");
        }
        if (!secureOrLoopback(uri)) {
            throw new HubException.BadRequest(
                    "invalid_issuer",
                    "issuer must be an https:// URL (plain http:// only to localhost or a loopback address)");
        }
    }

    /**
     * Fetches the provider's discovery document now ({@code <issuer>/.well-known/openid-configuration})
     * and checks that the hub can sign people in with it: the issuer it names is exactly {@code issuer},
     * it offers the code flow, PKCE with S256 (when it says which methods it has), a client secret
     * sent as HTTP Basic or in the form, and its endpoints are HTTPS. Replaces the cached document.
     *
     * @throws HubException.BadGateway {@code oidc_provider_unreachable} when it cannot be fetched
     * @throws HubException.BadRequest {@code oidc_provider_unsuitable} naming what is missing
     */
    Provider discover(String issuer) {
        OIDCProviderMetadata metadata = fetch(issuer);
        Provider provider = provider(issuer, metadata);
        discovered.put(issuer, new Discovered(metadata, clock.instant()));
        return provider;
    }

    /** The provider, from the cached discovery document when it is fresh, else fetched (see {@link #discover}). */
    Provider provider(String issuer) {
        Discovered cached = discovered.get(issuer);
        if (cached != null && cached.at().plus(METADATA_TTL).isAfter(clock.instant())) {
            return provider(issuer, cached.metadata());
        }
        return discover(issuer);
    }

    /** The URL of the provider's sign-in page for this request. */
    URI authorizationRequest(
            Provider provider,
            String clientId,
            String scopes,
            URI redirect,
            State state,
            Nonce nonce,
            CodeVerifier verifier) {
        return new AuthenticationRequest.Builder(
                        ResponseType.CODE, Scope.parse(scopes), new ClientID(clientId), redirect)
                .endpointURI(provider.authorizationEndpoint())
                .state(state)
                .nonce(nonce)
                .codeChallenge(verifier, CodeChallengeMethod.S256)
                .build()
                .toURI();
    }

    /**
     * Trades the code for tokens at the token endpoint (with the PKCE verifier and the client
     * secret) and validates the ID token: signature by a key of the provider's JWKS in an asymmetric
     * algorithm it announced, issuer, audience (and authorised party), expiry and issue time (60 s of
     * clock skew), and the nonce of this sign-in.
     *
     * @throws HubException.BadGateway {@code oidc_provider_unreachable} when the provider does not answer
     * @throws HubException.Unauthenticated {@code oidc_token_refused} when it refuses the code
     * @throws InvalidIdToken when the ID token fails a check (it says which)
     */
    Verified redeem(
            Provider provider,
            String clientId,
            String clientSecret,
            URI redirect,
            AuthorizationCode code,
            CodeVerifier verifier,
            Nonce nonce) {
        ClientID client = new ClientID(clientId);
        Secret secret = new Secret(clientSecret);
        ClientAuthentication auth =
                ClientAuthenticationMethod.CLIENT_SECRET_POST.equals(provider.clientAuthentication())
                        ? new ClientSecretPost(client, secret)
                        : new ClientSecretBasic(client, secret);
        HTTPRequest request = new TokenRequest.Builder(
                        provider.tokenEndpoint(), auth, new AuthorizationCodeGrant(code, redirect, verifier))
                .build()
                .toHTTPRequest();
        request.setConnectTimeout(millis(TIMEOUT));
        request.setReadTimeout(millis(TIMEOUT));
        TokenResponse response;
        try {
            HTTPResponse answer = request.send();
            if (answer.indicatesSuccess()) {
                // Only the ID token is used: the access token's lifetime is not the hub's business,
                // and a provider's odd expires_in must not refuse a sign-in whose ID token is good.
                JSONObject json = answer.getBodyAsJSONObject();
                json.remove("expires_in");
                response = OIDCTokenResponse.parse(json);
            } else {
                response = OIDCTokenResponseParser.parse(answer);
            }
        } catch (IOException e) {
            throw unreachable(provider.issuer(), "its token endpoint " + provider.tokenEndpoint(), e);
        } catch (ParseException e) {
            throw new HubException.BadGateway(
                    "oidc_provider_unusable",
                    "the token endpoint of " + provider.issuer() + " answered what is not a token response: "
                            + e.getMessage());
        }
        if (!response.indicatesSuccess()) {
            ErrorObject error = response.toErrorResponse().getErrorObject();
            throw new HubException.Unauthenticated(
                    "oidc_token_refused",
                    "the provider " + provider.issuer() + " refused the sign-in's code (" + describe(error)
                            + "); start the sign-in again");
        }
        if (!(response.toSuccessResponse() instanceof OIDCTokenResponse tokens)
                || tokens.getOIDCTokens().getIDToken() == null) {
            throw new HubException.BadGateway(
                    "oidc_provider_unusable",
                    "the token endpoint of " + provider.issuer() + " answered without an ID token; is the scope"
                            + " openid asked for?");
        }
        return new Verified(validate(provider, client, tokens.getOIDCTokens().getIDToken(), nonce));
    }

    /**
     * The URL that ends the person's session at the provider (OpenID Connect RP-Initiated Logout),
     * coming back to {@code afterLogout}; null when the provider has no {@code end_session_endpoint}.
     */
    URI logoutRequest(Provider provider, String clientId, URI afterLogout) {
        if (provider.endSessionEndpoint() == null) {
            return null;
        }
        return new LogoutRequest(
                        provider.endSessionEndpoint(), null, null, new ClientID(clientId), afterLogout, null, null)
                .toURI();
    }

    private IDTokenClaimsSet validate(Provider provider, ClientID client, JWT idToken, Nonce nonce) {
        JWKSource<SecurityContext> keys = keySets.computeIfAbsent(provider.jwksUri(), uri -> {
            try {
                return JWKSourceBuilder.<SecurityContext>create(
                                uri.toURL(),
                                new DefaultResourceRetriever(millis(TIMEOUT), millis(TIMEOUT), MAX_JWKS_BYTES))
                        .build();
            } catch (MalformedURLException e) {
                throw new HubException.BadGateway(
                        "oidc_provider_unusable", "the jwks_uri of " + provider.issuer() + " is not a URL: " + uri);
            }
        });
        var validator = new IDTokenValidator(
                new Issuer(provider.issuer()),
                client,
                new JWSVerificationKeySelector<>(provider.idTokenAlgorithms(), keys),
                null);
        try {
            return validator.validate(idToken, nonce);
        } catch (BadJOSEException | JOSEException e) {
            throw new InvalidIdToken(check(e), provider.issuer(), e.getMessage());
        }
    }

    /**
     * An ID token that failed a check, and which: {@code signature}, {@code issuer}, {@code
     * audience}, {@code expired}, {@code nonce} or {@code invalid}.
     */
    static final class InvalidIdToken extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private final String check;
        private final String issuer;

        InvalidIdToken(String check, String issuer, String detail) {
            super(detail);
            this.check = check;
            this.issuer = issuer;
        }

        String check() {
            return check;
        }

        /** The refusal a person sees. */
        HubException.Unauthenticated refusal() {
            return new HubException.Unauthenticated(
                    "oidc_id_token_invalid",
                    "the ID token from " + issuer + " was refused (" + check + ": " + getMessage()
                            + "); start the sign-in again, and if it keeps failing, ask an admin of your tenant to"
                            + " check the single sign-on settings");
        }
    }

    /** Which check an ID token failed (see {@link InvalidIdToken}), from the SDK's exception. */
    private static String check(Exception e) {
        String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        if (!(e instanceof BadJWTException)) {
            return "signature";
        }
        if (m.contains("issuer")) {
            return "issuer";
        }
        if (m.contains("audience") || m.contains("authorized party")) {
            return "audience";
        }
        if (m.contains("expired") || m.contains("iat")) {
            return "expired";
        }
        if (m.contains("nonce")) {
            return "nonce";
        }
        return "invalid";
    }

    private OIDCProviderMetadata fetch(String issuer) {
        try {
            return OIDCProviderMetadata.resolve(new Issuer(issuer), millis(TIMEOUT), millis(TIMEOUT));
        } catch (IOException e) {
            throw unreachable(issuer, "its discovery document " + issuer + "/.well-known/openid-configuration", e);
        } catch (GeneralException e) {
            throw new HubException.BadRequest(
                    "oidc_provider_unsuitable",
                    "the discovery document of " + issuer + " cannot be used: " + e.getMessage()
                            + "; the issuer must be exactly the provider's own (mind a trailing slash)");
        }
    }

    private static Provider provider(String issuer, OIDCProviderMetadata m) {
        if (m.getResponseTypes() != null && !m.getResponseTypes().contains(ResponseType.CODE)) {
            throw unsuitable(issuer, "it does not offer the authorisation code flow (response type code)");
        }
        if (m.getCodeChallengeMethods() != null && !m.getCodeChallengeMethods().contains(CodeChallengeMethod.S256)) {
            throw unsuitable(issuer, "it does not offer PKCE with S256 (code_challenge_methods_supported)");
        }
        ClientAuthenticationMethod auth = clientAuthentication(issuer, m.getTokenEndpointAuthMethods());
        for (URI endpoint : new URI[] {m.getAuthorizationEndpointURI(), m.getTokenEndpointURI(), m.getJWKSetURI()}) {
            if (endpoint == null) {
                throw unsuitable(issuer, "it names no authorization_endpoint, token_endpoint or jwks_uri");
            }
            if (!secureOrLoopback(endpoint)) {
                throw unsuitable(issuer, "its endpoint " + endpoint + " is not https://");
            }
        }
        URI endSession = m.getEndSessionEndpointURI();
        if (endSession != null && !secureOrLoopback(endSession)) {
            endSession = null; // never send a browser to a plain-HTTP logout page elsewhere
        }
        Set<JWSAlgorithm> algorithms = new LinkedHashSet<>();
        if (m.getIDTokenJWSAlgs() != null) {
            m.getIDTokenJWSAlgs().stream().filter(ASYMMETRIC::contains).forEach(algorithms::add);
        }
        if (algorithms.isEmpty()) {
            algorithms.add(JWSAlgorithm.RS256); // the default OpenID Connect names
        }
        return new Provider(
                issuer,
                m.getAuthorizationEndpointURI(),
                m.getTokenEndpointURI(),
                m.getJWKSetURI(),
                endSession,
                Set.copyOf(algorithms),
                auth);
    }

    private static ClientAuthenticationMethod clientAuthentication(
            String issuer, List<ClientAuthenticationMethod> offered) {
        if (offered == null || offered.contains(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)) {
            return ClientAuthenticationMethod.CLIENT_SECRET_BASIC; // the default when none is named
        }
        if (offered.contains(ClientAuthenticationMethod.CLIENT_SECRET_POST)) {
            return ClientAuthenticationMethod.CLIENT_SECRET_POST;
        }
        throw unsuitable(issuer, "its token endpoint takes neither client_secret_basic nor client_secret_post");
    }

    static boolean secureOrLoopback(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("https")) {
            return true;
        }
        if (!scheme.equals("http") || uri.getHost() == null) {
            return false;
        }
        String host = uri.getHost();
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        // Only an address literal: a name could resolve elsewhere later.
        if (!host.matches("[0-9.]+|\\[[0-9a-fA-F:]+\\]")) {
            return false;
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static HubException.BadRequest unsuitable(String issuer, String why) {
        return new HubException.BadRequest(
                "oidc_provider_unsuitable", "the OpenID provider " + issuer + " cannot be used: " + why);
    }

    private static HubException.BadGateway unreachable(String issuer, String what, IOException e) {
        return new HubException.BadGateway(
                "oidc_provider_unreachable",
                "the OpenID provider " + issuer + " did not answer at " + what + " (" + e.getMessage()
                        + "); check the issuer URL and that the hub can reach it");
    }

    private static String describe(ErrorObject error) {
        return error.getDescription() == null
                ? String.valueOf(error.getCode())
                : error.getCode() + ": " + error.getDescription();
    }

    private static int millis(Duration d) {
        return Math.toIntExact(d.toMillis());
    }
}
