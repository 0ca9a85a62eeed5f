package io.enginex.edge.server.sso;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.AuthenticationErrorResponse;
import com.nimbusds.openid.connect.sdk.AuthenticationResponse;
import com.nimbusds.openid.connect.sdk.AuthenticationResponseParser;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import io.enginex.edge.server.HubException;
import io.enginex.edge.server.PrintableField;
import io.enginex.edge.server.audit.Actor;
import io.enginex.edge.server.audit.Audit;
import io.enginex.edge.server.audit.AuditType;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.auth.Origin;
import io.enginex.edge.server.auth.Role;
import io.enginex.edge.server.auth.Secrets;
import io.enginex.edge.server.auth.TenantGuard;
import io.enginex.edge.server.auth.Users;
import io.enginex.edge.server.store.OidcProvider;
import io.enginex.edge.server.store.OidcProviderStore;
import io.enginex.edge.server.store.Transactions;
import io.enginex.edge.server.store.User;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Single sign-on with OpenID Connect, as a use case for every front end: a tenant's admins set,
 * read and remove the tenant's OpenID provider (issuer, client, which groups give which role); the
 * dashboard's sign-in starts at the provider ({@link #begin}) and comes back with a code ({@link
 * #finish}), which signs the person in to that tenant only: made just in time if new, their role
 * set from their groups on every sign-in, refused when no group of theirs is mapped. Configuration
 * changes and every sign-in (or refusal) are audited; the client secret is sealed at rest and never
 * shown, logged or audited. Thread-safe.
 */
public final class SingleSignOn {
    private static final Logger log = LoggerFactory.getLogger(SingleSignOn.class);

    /** Where providers send the browser back: the redirect URI to register at the provider. */
    public static final String CALLBACK = "/ui/login/oidc/callback";

    /** Where a provider sends the browser after logging out (the post-logout redirect URI to register). */
    public static final String AFTER_LOGOUT = "/ui/login?signedOut";

    /** How long a started sign-in may take at the provider. */
    public static final Duration LOGIN_TTL = Duration.ofMinutes(10);

    public static final String DEFAULT_SCOPES = "openid email profile";
    public static final String DEFAULT_GROUPS_CLAIM = "groups";

    static final int MAX_ISSUER = 500;
    static final int MAX_CLIENT_ID = 255;
    static final int MAX_CLIENT_SECRET = 1000;
    static final int MAX_NAME = 100;
    static final int MAX_SCOPES = 500;
    static final int MAX_CLAIM = 100;

    private static final TypeReference<LinkedHashMap<String, String>> ROLE_MAP = new TypeReference<>() {};

    private final OidcProviderStore store;
    private final Users users;
    private final Audit audit;
    private final TenantGuard guard;
    private final Transactions tx;
    private final OidcClient client;
    private final Seal secrets;
    private final Seal states;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final Supplier<String> baseUrl;

    /**
     * @param hubSecret the hub secret's bytes: client secrets and sign-in states are sealed under keys derived from it
     * @param baseUrl the hub's URL as browsers reach it (for the redirect URI), known once it listens
     */
    public SingleSignOn(
            OidcProviderStore store,
            Users users,
            Audit audit,
            TenantGuard guard,
            Transactions tx,
            byte[] hubSecret,
            SecureRandom random,
            ObjectMapper mapper,
            Clock clock,
            Supplier<String> baseUrl) {
        this.store = store;
        this.users = users;
        this.audit = audit;
        this.guard = guard;
        this.tx = tx;
        this.client = new OidcClient(clock);
        this.secrets = new Seal(hubSecret, "oidc client secret", random);
        this.states = new Seal(hubSecret, LoginState.PURPOSE, random);
        this.mapper = mapper;
        this.clock = clock;
        this.baseUrl = baseUrl;
    }

    /**
     * A tenant's provider as an admin sets it. {@code clientSecret} may be null to keep the stored one
     * (only while the issuer and client id stay the same); {@code toString} never shows it.
     */
    public record Request(
            String displayName,
            String issuer,
            String clientId,
            String clientSecret,
            String scopes,
            String groupsClaim,
            Map<String, String> roleMap) {
        @Override
        public String toString() {
            return "Request[issuer=" + issuer + ", clientId=" + clientId + ", clientSecret="
                    + (clientSecret == null ? "unchanged" : "****") + "]";
        }
    }

    /**
     * A tenant's provider as the API shows it: everything but the client secret, plus what to register
     * at the provider ({@code redirectUri}, {@code postLogoutRedirectUri}) and the sign-in link to
     * give the tenant's people ({@code loginUrl}).
     */
    public record Settings(
            String tenant,
            String displayName,
            String issuer,
            String clientId,
            boolean clientSecretSet,
            String scopes,
            String groupsClaim,
            Map<String, String> roleMap,
            Instant updatedAt,
            String updatedBy,
            String redirectUri,
            String postLogoutRedirectUri,
            String loginUrl) {}

    /**
     * A configuration stored, with what the provider's discovery document said.
     *
     * @param created whether the tenant had no provider before
     */
    public record Change(Settings settings, boolean created, Discovery discovery) {}

    /** The endpoints the hub found in the provider's discovery document (endSession null when it has none). */
    public record Discovery(URI authorization, URI token, URI jwks, URI endSession) {}

    /** A sign-in started: where to send the browser, and the cookie value it must bring back. */
    public record Start(URI authorizationUrl, String stateCookie) {
        @Override
        public String toString() {
            return "Start[" + authorizationUrl.getHost() + "]";
        }
    }

    /** A sign-in finished: the hub session, and where the person wanted to go. */
    public record SignedIn(Users.Login login, String next) {}

    /**
     * The tenant's provider (admins).
     *
     * @throws HubException.NotFound {@code oidc_not_configured}
     */
    public Settings settings(Caller caller, String tenant) {
        guard.check(caller, tenant);
        caller.requireRole(Role.ADMIN);
        return settings(store.find(tenant).orElseThrow(() -> notConfigured(tenant)));
    }

    /**
     * Sets the tenant's provider (replacing the one there), after fetching its discovery document to
     * check that the hub can use it; audited {@code oidc.configured}. Admins set it; a map that gives
     * (or gave) the owner role only an owner, as only owners make owners.
     *
     * @throws HubException.BadRequest for a field out of range ({@code invalid_issuer}, {@code
     *     invalid_role_map}, {@code client_secret_required} …) or {@code oidc_provider_unsuitable}
     * @throws HubException.BadGateway {@code oidc_provider_unreachable}
     */
    public Change configure(Caller caller, String tenant, Request request, Origin origin) {
        guard.checkWrite(caller, tenant);
        caller.requireRole(Role.ADMIN);
        Optional<OidcProvider> existing = store.find(tenant);
        RoleMap roles = RoleMap.parse(request.roleMap());
        if (roles.grantsOwner() || existing.map(p -> roleMap(p).grantsOwner()).orElse(false)) {
            caller.requireRole(Role.OWNER);
        }
        String issuer = text(request.issuer(), "issuer", MAX_ISSUER, null);
        OidcClient.requireIssuerUrl(issuer);
        String clientId = text(request.clientId(), "clientId", MAX_CLIENT_ID, null);
        String scopes = scopes(request.scopes());
        String groupsClaim = text(request.groupsClaim(), "groupsClaim", MAX_CLAIM, DEFAULT_GROUPS_CLAIM);
        String name = text(
                request.displayName(),
                "displayName",
                MAX_NAME,
                URI.create(issuer).getHost());
        String context = secretContext(tenant, issuer, clientId);
        String sealed;
        boolean secretChanged = request.clientSecret() != null;
        if (secretChanged) {
            String secret = request.clientSecret();
            if (secret.isEmpty() || secret.length() > MAX_CLIENT_SECRET) {
                throw new HubException.BadRequest(
                        "invalid_client_secret", "clientSecret must have 1 to " + MAX_CLIENT_SECRET + " characters");
            }
            sealed = secrets.seal(context, secret);
        } else {
            sealed = existing.filter(
                            p -> p.issuer().equals(issuer) && p.clientId().equals(clientId))
                    .map(OidcProvider::clientSecretSealed)
                    .orElseThrow(() -> new HubException.BadRequest(
                            "client_secret_required",
                            "clientSecret is required when single sign-on is first set, and whenever the issuer or"
                                    + " clientId changes (the stored secret is only ever sent to the provider it"
                                    + " was given for)"));
        }
        OidcClient.Provider provider = client.discover(issuer); // network, before the transaction
        var stored = new OidcProvider(
                tenant,
                name,
                issuer,
                clientId,
                sealed,
                scopes,
                groupsClaim,
                json(roles.wire()),
                clock.instant(),
                caller.actorId());
        boolean created = tx.inTransaction(() -> {
            boolean fresh = store.put(stored);
            var details = new LinkedHashMap<String, Object>();
            details.put("action", fresh ? "created" : "replaced");
            details.put("issuer", issuer);
            details.put("client_id", clientId);
            details.put("groups_claim", groupsClaim);
            details.put("role_map", roles.wire());
            details.put("client_secret", secretChanged ? "set" : "kept");
            audit.record(
                    tenant,
                    AuditType.OIDC_CONFIGURED,
                    Actor.of(caller),
                    origin.sourceIp(),
                    new Audit.Target("tenant", tenant),
                    Audit.Outcome.SUCCESS,
                    origin.tag(details));
            return fresh;
        });
        return new Change(
                settings(store.find(tenant).orElse(stored)),
                created,
                new Discovery(
                        provider.authorizationEndpoint(),
                        provider.tokenEndpoint(),
                        provider.jwksUri(),
                        provider.endSessionEndpoint()));
    }

    /**
     * Removes the tenant's provider, audited {@code oidc.removed}; its people can then no longer sign
     * in by single sign-on (their sessions stay until they end). Admins; owners when it gave the owner role.
     *
     * @throws HubException.NotFound {@code oidc_not_configured}
     */
    public void remove(Caller caller, String tenant, Origin origin) {
        guard.checkWrite(caller, tenant);
        caller.requireRole(Role.ADMIN);
        OidcProvider existing = store.find(tenant).orElseThrow(() -> notConfigured(tenant));
        if (roleMap(existing).grantsOwner()) {
            caller.requireRole(Role.OWNER);
        }
        tx.run(() -> {
            if (!store.delete(tenant)) {
                throw notConfigured(tenant);
            }
            audit.record(
                    tenant,
                    AuditType.OIDC_REMOVED,
                    Actor.of(caller),
                    origin.sourceIp(),
                    new Audit.Target("tenant", tenant),
                    Audit.Outcome.SUCCESS,
                    origin.tag(Map.of("issuer", existing.issuer())));
        });
    }

    /**
     * The name of the tenant's provider for the sign-in page's button, or empty when the tenant has
     * none (or does not exist: the page does not tell which).
     */
    public Optional<String> providerName(String tenant) {
        if (tenant == null || tenant.isBlank() || tenant.length() > 64) {
            return Optional.empty();
        }
        return store.find(tenant).map(OidcProvider::displayName);
    }

    /**
     * Starts a sign-in at the tenant's provider: a fresh {@code state}, {@code nonce} and PKCE
     * verifier, sealed into the cookie value the browser must bring back within {@link #LOGIN_TTL}.
     *
     * @param next where to go after signing in (a dashboard path, checked by the caller)
     * @throws HubException.NotFound {@code oidc_not_configured}
     * @throws HubException.BadGateway {@code oidc_provider_unreachable}
     */
    public Start begin(String tenant, String next) {
        if (providerName(tenant).isEmpty()) {
            throw notConfigured(tenant);
        }
        OidcProvider settings = store.find(tenant).orElseThrow(() -> notConfigured(tenant));
        OidcClient.Provider provider = client.provider(settings.issuer());
        var state = new State();
        var nonce = new Nonce();
        var verifier = new CodeVerifier();
        URI url = client.authorizationRequest(
                provider, settings.clientId(), settings.scopes(), redirectUri(), state, nonce, verifier);
        var login = new LoginState(
                tenant,
                state.getValue(),
                nonce.getValue(),
                verifier.getValue(),
                next,
                clock.instant().plus(LOGIN_TTL).getEpochSecond());
        return new Start(url, login.seal(states, mapper));
    }

    /**
     * Finishes a sign-in with the provider's answer (the callback's query parameters) and the cookie
     * {@link #begin} set: the state must match, the code is redeemed with the PKCE verifier, the ID
     * token must pass every check of {@link OidcClient#redeem}, and the person's groups must map to a
     * role. The person is the tenant's user for their subject at the issuer: made now if new (their
     * email must not be another user's), given the mapped role. Audited {@code login.succeeded} (and
     * {@code user.created}, {@code user.updated} when the role changed), or {@code login.failed} with
     * the reason; each refusal says what happened and what to do.
     *
     * @throws HubException.Unauthenticated {@code oidc_state_invalid}, {@code oidc_state_mismatch},
     *     {@code oidc_provider_error}, {@code oidc_token_refused}, {@code oidc_id_token_invalid}
     * @throws HubException.Forbidden {@code oidc_no_role}, {@code oidc_email_unverified}
     * @throws HubException.Conflict {@code oidc_email_taken}
     * @throws HubException.BadGateway {@code oidc_provider_unreachable}
     */
    public SignedIn finish(String stateCookie, Map<String, List<String>> answer, Origin origin) {
        LoginState login =
                LoginState.open(states, mapper, stateCookie, clock.instant()).orElse(null);
        if (login == null) {
            var refused = new HubException.Unauthenticated(
                    "oidc_state_invalid",
                    "this sign-in expired (after " + LOGIN_TTL.toMinutes() + " minutes) or was not started in this"
                            + " browser; start it again from the sign-in page");
            refuse(null, null, origin, refused, null);
            throw refused;
        }
        String claimed = null;
        String check = null;
        try {
            OidcProvider settings = store.find(login.tenant()).orElseThrow(() -> notConfigured(login.tenant()));
            AuthorizationCode code = code(login, answer, settings.issuer());
            OidcClient.Provider provider = client.provider(settings.issuer());
            String secret = secrets.open(
                            secretContext(settings.tenantId(), settings.issuer(), settings.clientId()),
                            settings.clientSecretSealed())
                    .orElseThrow(() -> new HubException.Unprocessable(
                            "oidc_secret_unreadable",
                            "the client secret of this tenant's single sign-on cannot be opened (was hub.secret"
                                    + " replaced?); an admin of the tenant must set it again"));
            IDTokenClaimsSet claims;
            try {
                claims = client.redeem(
                                provider,
                                settings.clientId(),
                                secret,
                                redirectUri(),
                                code,
                                new CodeVerifier(login.verifier()),
                                new Nonce(login.nonce()))
                        .claims();
            } catch (OidcClient.InvalidIdToken e) {
                check = e.check();
                throw e.refusal();
            }
            String subject = claims.getSubject().getValue();
            String email = claims.getClaim("email") instanceof String e ? e : null;
            claimed = email != null ? email : subject;
            // Some providers send the flag as a string.
            Object verified = claims.getClaim("email_verified");
            if (Boolean.FALSE.equals(verified) || "false".equals(verified)) {
                throw new HubException.Forbidden(
                        "oidc_email_unverified",
                        "your provider says your email " + email + " is not verified; verify it there and sign in"
                                + " again");
            }
            List<String> groups = groups(claims.getClaim(settings.groupsClaim()));
            Role role = roleMap(settings)
                    .roleOf(groups)
                    .orElseThrow(() -> new HubException.Forbidden(
                            "oidc_no_role",
                            "you signed in at " + settings.displayName() + ", but none of your groups (claim "
                                    + settings.groupsClaim() + ") gives a role on this hub; ask an admin of your"
                                    + " tenant to map one of your groups to a role"));
            Users.FederatedLogin signedIn = tx.inTransaction(() -> {
                Users.FederatedLogin done = users.federatedLogin(
                        login.tenant(), settings.issuer(), subject, email, role, origin.sourceIp());
                audited(login.tenant(), done, settings.issuer(), origin);
                return done;
            });
            return new SignedIn(signedIn.login(), login.next());
        } catch (HubException refused) {
            refuse(login.tenant(), claimed, origin, refused, check);
            throw refused;
        }
    }

    /**
     * Where to send the browser after the hub's session of {@code userId} ended: the provider's
     * logout page (RP-initiated logout, coming back to {@link #AFTER_LOGOUT}) when single sign-on made
     * the user and the tenant's provider advertises an {@code end_session_endpoint}; else empty. A
     * provider that cannot be reached is not waited for again: empty.
     */
    public Optional<URI> logout(String tenant, String userId) {
        User user;
        try {
            user = users.find(tenant, userId);
        } catch (HubException.NotFound gone) {
            return Optional.empty();
        }
        if (!user.federated()) {
            return Optional.empty();
        }
        Optional<OidcProvider> settings =
                store.find(tenant).filter(p -> p.issuer().equals(user.oidcIssuer()));
        if (settings.isEmpty()) {
            return Optional.empty();
        }
        try {
            OidcClient.Provider provider = client.provider(settings.get().issuer());
            return Optional.ofNullable(client.logoutRequest(
                    provider, settings.get().clientId(), URI.create(baseUrl.get() + AFTER_LOGOUT)));
        } catch (HubException e) {
            log.atWarn()
                    .addKeyValue("tenant", tenant)
                    .addKeyValue("reason", e.code())
                    .log("cannot end the session at the OpenID provider; signed out of the hub only");
            return Optional.empty();
        }
    }

    private AuthorizationCode code(LoginState login, Map<String, List<String>> answer, String issuer) {
        AuthenticationResponse response;
        try {
            response = AuthenticationResponseParser.parse(redirectUri(), answer);
        } catch (ParseException e) {
            throw new HubException.Unauthenticated(
                    "oidc_answer_invalid",
                    "the provider's answer cannot be read (" + e.getMessage() + "); start the sign-in again");
        }
        State state = response.getState();
        if (state == null || !Secrets.constantTimeEquals(state.getValue(), login.state())) {
            throw new HubException.Unauthenticated(
                    "oidc_state_mismatch",
                    "this answer does not belong to the sign-in started in this browser (its state differs);"
                            + " start the sign-in again from the sign-in page");
        }
        // RFC 9207: a provider that names itself in its answer must be this tenant's (a mix-up defence).
        if (response.getIssuer() != null && !response.getIssuer().getValue().equals(issuer)) {
            throw new HubException.Unauthenticated(
                    "oidc_issuer_mismatch",
                    "this answer comes from " + response.getIssuer() + ", not from this tenant's provider " + issuer
                            + "; start the sign-in again from the sign-in page");
        }
        if (response instanceof AuthenticationErrorResponse error) {
            var e = error.getErrorObject();
            throw new HubException.Unauthenticated(
                    "oidc_provider_error",
                    "the provider did not sign you in (" + e.getCode()
                            + (e.getDescription() == null ? "" : ": " + e.getDescription())
                            + "); start again, or ask an admin of your tenant");
        }
        return response.toSuccessResponse().getAuthorizationCode();
    }

    private void audited(String tenant, Users.FederatedLogin done, String issuer, Origin origin) {
        User user = done.login().user();
        Actor actor = new Actor("user", user.id());
        Audit.Target target = new Audit.Target("user", user.id());
        if (done.created()) {
            audit.record(
                    tenant,
                    AuditType.USER_CREATED,
                    actor,
                    origin.sourceIp(),
                    target,
                    Audit.Outcome.SUCCESS,
                    origin.tag(Map.of("email", user.email(), "role", user.role(), "method", "oidc", "issuer", issuer)));
        }
        if (done.previousRole() != null) {
            audit.record(
                    tenant,
                    AuditType.USER_UPDATED,
                    actor,
                    origin.sourceIp(),
                    target,
                    Audit.Outcome.SUCCESS,
                    origin.tag(Map.of(
                            "role", user.role(), "previous_role", done.previousRole(), "reason", "oidc groups")));
        }
        audit.record(
                tenant,
                AuditType.LOGIN_SUCCEEDED,
                actor,
                origin.sourceIp(),
                target,
                Audit.Outcome.SUCCESS,
                origin.tag(Map.of("method", "oidc", "issuer", issuer, "role", user.role())));
    }

    /** Records a refused sign-in outside the refused transaction, so the record stays. */
    private void refuse(String tenant, String claimed, Origin origin, HubException refused, String check) {
        var details = new LinkedHashMap<String, Object>();
        details.put("method", "oidc");
        details.put("reason", refused.code());
        if (check != null) {
            details.put("check", check);
        }
        try {
            audit.record(
                    tenant,
                    AuditType.LOGIN_FAILED,
                    Actor.anonymous(claimed == null ? null : truncate(claimed, 320)),
                    origin.sourceIp(),
                    Audit.Target.NONE,
                    Audit.Outcome.FAILURE,
                    origin.tag(details));
        } catch (RuntimeException e) {
            log.atWarn()
                    .addKeyValue("reason", refused.code())
                    .addKeyValue("tenant", tenant == null ? "unknown" : tenant)
                    .setCause(e)
                    .log("cannot record a refused single sign-on");
        }
    }

    private static List<String> groups(Object claim) {
        var groups = new ArrayList<String>();
        if (claim instanceof String one) {
            groups.add(one);
        } else if (claim instanceof Iterable<?> many) {
            for (Object g : many) {
                if (g != null) {
                    groups.add(g.toString());
                }
            }
        }
        return groups;
    }

    private Settings settings(OidcProvider p) {
        String base = baseUrl.get();
        return new Settings(
                p.tenantId(),
                p.displayName(),
                p.issuer(),
                p.clientId(),
                true,
                p.scopes(),
                p.groupsClaim(),
                roleMap(p).wire(),
                p.updatedAt(),
                p.updatedBy(),
                base + CALLBACK,
                base + AFTER_LOGOUT,
                base + "/ui/login?tenant=" + URLEncoder.encode(p.tenantId(), StandardCharsets.UTF_8));
    }

    private RoleMap roleMap(OidcProvider p) {
        try {
            return RoleMap.parse(mapper.readValue(p.roleMapJson(), ROLE_MAP));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the stored role map of tenant " + p.tenantId() + " is not JSON", e);
        }
    }

    private String json(Map<String, String> roles) {
        try {
            return mapper.writeValueAsString(roles);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a role map always serialises", e);
        }
    }

    private URI redirectUri() {
        return URI.create(baseUrl.get() + CALLBACK);
    }

    private static String secretContext(String tenant, String issuer, String clientId) {
        return tenant + "\n" + issuer + "\n" + clientId;
    }

    private static String scopes(String requested) {
        String scopes = text(requested, "scopes", MAX_SCOPES, DEFAULT_SCOPES);
        List<String> each = List.of(scopes.trim().split("\\s+"));
        if (!each.contains("openid")) {
            throw new HubException.BadRequest(
                    "invalid_scopes", "scopes must include openid (e.g. \"" + DEFAULT_SCOPES + "\")");
        }
        return String.join(" ", each);
    }

    /** A required (no fallback) or optional text field, printable and within {@code max} characters. */
    private static String text(String value, String field, int max, String fallback) {
        if (value == null || value.isBlank()) {
            if (fallback != null) {
                return fallback;
            }
            throw new HubException.BadRequest("invalid_" + snake(field), field + " is required");
        }
        String v = value.strip();
        if (v.length() > max) {
            throw new HubException.BadRequest(
                    "invalid_" + snake(field), field + " must be at most " + max + " characters");
        }
        return PrintableField.require(v, field);
    }

    private static String snake(String field) {
        return field.replaceAll("([A-Z])", "_$1").toLowerCase(Locale.ROOT);
    }

    private static String truncate(String s, int max) {
        return s.length() > max ? s.substring(0, max) : s;
    }

    private static HubException.NotFound notConfigured(String tenant) {
        return new HubException.NotFound(
                "oidc_not_configured",
                "tenant " + tenant + " has no single sign-on; an admin of the tenant sets it with PUT"
                        + " /api/v1/tenants/" + tenant + "/oidc (or engine oidc set)");
    }
}
