package io.enginex.edge.server.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.http.OAuth2HttpResponse;
import no.nav.security.mock.oauth2.http.OAuth2HttpRouterKt;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import okhttp3.Headers;

/**
 * A real OpenID provider for tests: NAV's mock-oauth2-server (discovery, authorisation endpoint with
 * the code flow and PKCE, token endpoint, JWKS, end-session endpoint), started on {@code localhost}
 * and a free port, so that the hub (on 127.0.0.1) sees it as another site. Every issuer id is an
 * issuer of its own, with its own signing key. One issuer is made to publish a key that did not sign
 * its tokens ({@link #FORGED}): everything else about it is the real provider's.
 *
 * <p>What the next token of an issuer says is queued with {@link #nextToken} (subject, claims,
 * lifetime; a claim named like a standard one, e.g. {@code iss}, {@code aud} or {@code nonce},
 * replaces the real value). Without one, the provider makes up a subject and adds no claims. The
 * provider keeps one queue for all issuers and uses its head only for a token of the head's issuer:
 * queue a token only when a token request will take it, or it stands in front of every later one.
 */
public final class TestOidcProvider implements AutoCloseable {
    /** The issuer id whose JWKS holds a key that is not the one its tokens are signed with. */
    public static final String FORGED = "forged";

    private final MockOAuth2Server server;

    private TestOidcProvider(MockOAuth2Server server) {
        this.server = server;
    }

    /** Starts a provider that signs people in without a page (the authorisation endpoint answers at once). */
    public static TestOidcProvider start() {
        return start(false);
    }

    /**
     * Starts a provider.
     *
     * @param interactive whether the authorisation endpoint shows its sign-in page (a user name and a
     *     claims JSON to type), as a browser test needs
     */
    public static TestOidcProvider start(boolean interactive) {
        String otherKeys;
        try {
            otherKeys = new JWKSet(new RSAKeyGenerator(2048).keyID(FORGED).generate())
                    .toPublicJWKSet()
                    .toString();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        var server = new MockOAuth2Server(
                new OAuth2Config(interactive),
                OAuth2HttpRouterKt.get(
                        "/" + FORGED + "/jwks",
                        request -> new OAuth2HttpResponse(
                                Headers.of("Content-Type", "application/json"), 200, otherKeys, null)));
        server.start();
        warmUp(server);
        return new TestOidcProvider(server);
    }

    /**
     * Asks for one discovery document and waits for it as long as it takes: the provider's first
     * answer (class loading, key generation) can take longer than the hub's 5 s OIDC timeout on a
     * loaded machine, which failed TenantIsolationIT's setup with {@code oidc_provider_unreachable}.
     */
    private static void warmUp(MockOAuth2Server server) {
        String issuer = server.issuerUrl("warm-up").toString().replaceAll("/$", "");
        var request = java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(issuer + "/.well-known/openid-configuration"))
                .timeout(java.time.Duration.ofSeconds(120))
                .GET()
                .build();
        try (var http = java.net.http.HttpClient.newHttpClient()) {
            http.send(request, java.net.http.HttpResponse.BodyHandlers.discarding());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("the test OpenID provider did not answer", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The issuer URL of {@code issuerId}, e.g. {@code http://localhost:41234/acme}. */
    public String issuer(String issuerId) {
        String url = server.issuerUrl(issuerId).toString();
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** The provider's end-session endpoint for {@code issuerId}. */
    public String endSession(String issuerId) {
        return server.endSessionEndpointUrl(issuerId).toString();
    }

    /** The next token {@code issuerId} issues is for {@code subject} with {@code claims}, valid an hour. */
    public void nextToken(String issuerId, String subject, Map<String, Object> claims) {
        nextToken(issuerId, subject, claims, 3600);
    }

    /** As {@link #nextToken(String, String, Map)}, expiring {@code lifetimeSeconds} after it is issued. */
    public void nextToken(String issuerId, String subject, Map<String, Object> claims, long lifetimeSeconds) {
        server.enqueueCallback(
                new DefaultOAuth2TokenCallback(issuerId, subject, "JWT", List.of(), claims, lifetimeSeconds));
    }

    @Override
    public void close() {
        server.shutdown();
    }
}
