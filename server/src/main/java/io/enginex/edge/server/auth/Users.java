package io.enginex.edge.server.auth;

import io.enginex.edge.server.HubException;
import io.enginex.edge.server.IdGenerator;
import io.enginex.edge.server.PrintableField;
import io.enginex.edge.server.store.DuplicateException;
import io.enginex.edge.server.store.User;
import io.enginex.edge.server.store.UserSession;
import io.enginex.edge.server.store.UserStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * People: creating users, checking passwords, and browser sessions. A session is a random secret in
 * an HttpOnly cookie, stored only as its SHA-256 hash and valid for {@link #SESSION_TTL}; its CSRF
 * token is derived from the secret, so it needs no storage and changes with every login.
 * Thread-safe.
 */
public final class Users {
    /** Prefix of session cookie secrets. */
    public static final String SESSION_PREFIX = "exs_";

    /** How long a login lasts; a password change ends every session at once. */
    public static final Duration SESSION_TTL = Duration.ofHours(12);

    /** How long a one-time password (generated at user creation or an admin's reset) can be used. */
    public static final Duration ONE_TIME_TTL = Duration.ofHours(24);

    /** How long the session opened with a one-time password has to choose the new password. */
    public static final Duration PASSWORD_CHANGE_TTL = Duration.ofMinutes(15);

    /** Where the API changes the caller's own password. */
    public static final String CHANGE_PASSWORD_ROUTE = "POST /api/v1/me/password";

    private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]{1,255}");

    private final UserStore store;
    private final Passwords passwords;
    private final Secrets secrets;
    private final IdGenerator ids;
    private final Clock clock;

    public Users(UserStore store, Passwords passwords, Secrets secrets, IdGenerator ids, Clock clock) {
        this.store = store;
        this.passwords = passwords;
        this.secrets = secrets;
        this.ids = ids;
        this.clock = clock;
    }

    /** A new user and, if the hub chose it, the password (shown once, never stored). */
    public record Created(User user, String generatedPassword) {
        @Override
        public String toString() {
            return "Created[user=" + user + ", generatedPassword=" + (generatedPassword == null ? "none" : "****")
                    + "]";
        }
    }

    /**
     * A successful login: the user, the cookie secret and the CSRF token (both shown once). With
     * {@code passwordChangeRequired} (a one-time password was used) the session may do nothing but
     * choose a new password, within {@link #PASSWORD_CHANGE_TTL}.
     */
    public record Login(
            User user, String cookieSecret, String csrfToken, Instant expiresAt, boolean passwordChangeRequired) {
        @Override
        public String toString() {
            return "Login[user=" + user + ", expiresAt=" + expiresAt + ", passwordChangeRequired="
                    + passwordChangeRequired + "]";
        }
    }

    /**
     * A sign-in by single sign-on: the session, whether the user was made by it, and the role they had
     * before it when it changed (else null).
     */
    public record FederatedLogin(Login login, boolean created, String previousRole) {}

    /** The user of a session and whether it is only good for choosing a new password. */
    public record SessionUser(User user, boolean passwordChangeOnly) {}

    /**
     * Creates a user of {@code tenantId}.
     *
     * @param password the password, or null to have one generated and returned
     * @throws HubException.BadRequest for a malformed email or a weak password
     * @throws HubException.Conflict {@code user_exists} if the email is taken (in any tenant)
     */
    public Created create(String tenantId, String email, Role role, String password, String createdBy) {
        String normalized = normalizeEmail(email);
        String chosen = password == null ? passwords.generate() : password;
        requireStrong(chosen, normalized);
        Instant oneTime = password == null ? clock.instant().plus(ONE_TIME_TTL) : null;
        try {
            User user = store.create(
                    ids.next("usr"), tenantId, normalized, role.wire(), passwords.hash(chosen), createdBy, oneTime);
            return new Created(user, password == null ? chosen : null);
        } catch (DuplicateException e) {
            throw new HubException.Conflict("user_exists", "a user with email " + normalized + " exists already");
        }
    }

    /**
     * Sets a new password and ends the user's sessions. A generated one ({@code password} null) is a
     * one-time password, valid for {@link #ONE_TIME_TTL}.
     *
     * @return the generated password, or null if the caller chose it
     * @throws HubException.NotFound {@code user_not_found} if the tenant has no such user
     */
    public String resetPassword(String tenantId, String userId, String password) {
        User user = find(tenantId, userId);
        String chosen = password == null ? passwords.generate() : password;
        requireStrong(chosen, user.email());
        Instant now = clock.instant();
        Instant oneTime = password == null ? now.plus(ONE_TIME_TTL) : null;
        if (!store.setPassword(tenantId, userId, passwords.hash(chosen), now, oneTime)) {
            throw userNotFound(tenantId, userId);
        }
        return password == null ? chosen : null;
    }

    /**
     * The user's own password change: {@code current} must be their password (not asked of a session
     * opened with a one-time password, which proved it already). Ends every session of the user and
     * opens a new full one for the caller.
     *
     * @throws HubException.Unauthenticated {@code wrong_password} if {@code current} is wrong
     * @throws HubException.BadRequest {@code weak_password}, {@code same_password}
     */
    public Login changeOwnPassword(SessionUser session, String current, String chosen, String sourceIp) {
        User user = session.user();
        if (!session.passwordChangeOnly()) {
            if (current == null || !passwords.verify(current, user.passwordHash())) {
                throw new HubException.Unauthenticated(
                        "wrong_password",
                        "the current password is wrong; if you forgot it, ask an admin of your tenant to reset it");
            }
        }
        requireStrong(chosen, user.email());
        if (passwords.verify(chosen, user.passwordHash())) {
            throw new HubException.BadRequest(
                    "same_password", "the new password must differ from the current (or one-time) password");
        }
        Instant now = clock.instant();
        if (!store.setPassword(user.tenantId(), user.id(), passwords.hash(chosen), now, null)) {
            throw userNotFound(user.tenantId(), user.id());
        }
        return openSession(user, sourceIp, now, false);
    }

    /**
     * Gives the user {@code role}.
     *
     * @throws HubException.NotFound {@code user_not_found}
     */
    public void setRole(String tenantId, String userId, Role role) {
        if (!store.setRole(tenantId, userId, role.wire())) {
            throw userNotFound(tenantId, userId);
        }
    }

    /**
     * Disables the user at {@code at} (ending their sessions) or, with null, enables them.
     *
     * @throws HubException.NotFound {@code user_not_found}
     */
    public void setDisabled(String tenantId, String userId, Instant at) {
        if (!store.setDisabled(tenantId, userId, at)) {
            throw userNotFound(tenantId, userId);
        }
    }

    public User find(String tenantId, String userId) {
        return store.find(tenantId, userId).orElseThrow(() -> userNotFound(tenantId, userId));
    }

    /** The users of a tenant, oldest first. */
    public java.util.List<User> list(String tenantId) {
        return store.list(tenantId);
    }

    /** The user with this email, if any; empty also for a malformed email. */
    public Optional<User> findByEmail(String email) {
        if (email == null
                || !EMAIL.matcher(email.strip().toLowerCase(Locale.ROOT)).matches()) {
            return Optional.empty();
        }
        return store.findByEmail(normalizeEmail(email));
    }

    /**
     * Checks an email and password and opens a session. Unknown emails cost as long as wrong
     * passwords and fail the same way, so a caller cannot learn which emails exist.
     *
     * @throws HubException.Unauthenticated {@code invalid_credentials} for any mismatch or a disabled user
     */
    public Login login(String email, String password, String sourceIp) {
        Optional<User> found = store.findByEmail(normalizeEmail(email));
        boolean ok = passwords.verify(password, found.map(User::passwordHash).orElse(null));
        if (!ok || found.get().disabledAt() != null) {
            throw new HubException.Unauthenticated(
                    "invalid_credentials",
                    "wrong email or password; ask an admin of your tenant to reset the password if you forgot it");
        }
        User user = found.get();
        Instant now = clock.instant();
        boolean oneTime = user.oneTimePassword();
        if (oneTime) {
            if (user.oneTimeUsedAt() != null) {
                throw new HubException.Unauthenticated(
                        "one_time_password_used",
                        "this one-time password was used already; ask an admin of your tenant for a new one");
            }
            if (!user.oneTimeExpiresAt().isAfter(now)) {
                throw new HubException.Unauthenticated(
                        "one_time_password_expired",
                        "this one-time password expired (they last " + ONE_TIME_TTL.toHours()
                                + " h); ask an admin of your tenant for a new one");
            }
            if (!store.spendOneTimePassword(user.tenantId(), user.id(), now)) {
                throw new HubException.Unauthenticated(
                        "one_time_password_used",
                        "this one-time password was used already; ask an admin of your tenant for a new one");
            }
        }
        store.recordLogin(user.tenantId(), user.id(), now);
        return openSession(user, sourceIp, now, oneTime);
    }

    /**
     * Signs in the person a tenant's OpenID provider vouched for: the tenant's user who is {@code
     * subject} at {@code issuer}, made now if there is none (just-in-time, with no password), and
     * given {@code role} (what their groups map to) on every sign-in. A user of the hub's own
     * passwords with the same email is never taken over: linking accounts by email is how one
     * provider signs in as another's users.
     *
     * @throws HubException.Conflict {@code oidc_email_taken} when another user (of any tenant) has the email
     * @throws HubException.Unauthenticated {@code user_disabled} for a disabled user
     * @throws HubException.BadRequest {@code oidc_email_missing} for a malformed email
     */
    public FederatedLogin federatedLogin(
            String tenantId, String issuer, String subject, String email, Role role, String sourceIp) {
        Instant now = clock.instant();
        Optional<User> known = store.findBySubject(tenantId, issuer, subject);
        if (known.isPresent()) {
            User user = known.get();
            if (user.disabledAt() != null) {
                throw new HubException.Unauthenticated(
                        "user_disabled", "your user " + user.email() + " is disabled; ask an admin of your tenant");
            }
            String previous = null;
            if (!user.role().equals(role.wire())) {
                store.setRole(tenantId, user.id(), role.wire());
                previous = user.role();
            }
            store.recordLogin(tenantId, user.id(), now);
            User current = store.find(tenantId, user.id()).orElseThrow(() -> userNotFound(tenantId, user.id()));
            return new FederatedLogin(openSession(current, sourceIp, now, false), false, previous);
        }
        String normalized;
        try {
            normalized = normalizeEmail(email);
        } catch (HubException.BadRequest e) {
            throw new HubException.BadRequest(
                    "oidc_email_missing",
                    "your provider sent no usable email (claim email: " + (email == null ? "none" : email)
                            + "); ask an admin of your tenant to have the provider include it");
        }
        if (store.findByEmail(normalized).isPresent()) {
            throw emailTaken(normalized);
        }
        User user;
        try {
            user = store.createFederated(ids.next("usr"), tenantId, normalized, role.wire(), issuer, subject, "oidc");
        } catch (DuplicateException e) {
            throw emailTaken(normalized);
        }
        store.recordLogin(tenantId, user.id(), now);
        return new FederatedLogin(openSession(user, sourceIp, now, false), true, null);
    }

    private static HubException.Conflict emailTaken(String email) {
        return new HubException.Conflict(
                "oidc_email_taken",
                "a user with email " + email + " exists already on this hub (with a password, or through another"
                        + " provider), so single sign-on does not take it over; sign in with that user's password, or"
                        + " ask an admin of your tenant");
    }

    private Login openSession(User user, String sourceIp, Instant now, boolean passwordChangeOnly) {
        String secret = secrets.newSecret(SESSION_PREFIX);
        Instant expires = now.plus(passwordChangeOnly ? PASSWORD_CHANGE_TTL : SESSION_TTL);
        store.createSession(new UserSession(
                Secrets.hash(secret),
                user.tenantId(),
                user.id(),
                now,
                expires,
                sourceIp,
                passwordChangeOnly ? UserSession.PASSWORD_CHANGE : UserSession.FULL));
        return new Login(user, secret, csrfToken(secret), expires, passwordChangeOnly);
    }

    /**
     * The caller behind a session cookie.
     *
     * @throws HubException.Unauthenticated {@code session_expired} if the session is unknown, expired
     *     or its user disabled
     */
    public Caller authenticateSession(String cookieSecret) {
        SessionUser session = sessionUser(cookieSecret);
        if (session.passwordChangeOnly()) {
            throw passwordChangeRequired();
        }
        User user = session.user();
        return new Caller(user.id(), user.tenantId(), Role.fromWire(user.role()), Caller.Kind.USER, true, user.email());
    }

    /**
     * The user behind a session cookie, also of a session that may only change the password.
     *
     * @throws HubException.Unauthenticated {@code session_expired} as {@link #authenticateSession}
     */
    public SessionUser sessionUser(String cookieSecret) {
        UserSession session =
                store.findSession(Secrets.hash(cookieSecret), clock.instant()).orElseThrow(Users::sessionExpired);
        User user = store.find(session.tenantId(), session.userId())
                .filter(u -> u.disabledAt() == null)
                .orElseThrow(Users::sessionExpired);
        return new SessionUser(user, session.passwordChangeOnly());
    }

    /** The refusal of a session opened with a one-time password, for anything but choosing a new one. */
    public static HubException.Forbidden passwordChangeRequired() {
        return new HubException.Forbidden(
                "password_change_required",
                "you signed in with a one-time password: choose your own password first with " + CHANGE_PASSWORD_ROUTE
                        + " {\"newPassword\": …} (or the dashboard's /ui/password page)");
    }

    /** Ends the session of this cookie, if any. */
    public void logout(String cookieSecret) {
        store.deleteSession(Secrets.hash(cookieSecret));
    }

    /** The CSRF token belonging to a session cookie: a hash of it, so it reveals nothing of the cookie. */
    public static String csrfToken(String cookieSecret) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(Secrets.sha256(("csrf:" + cookieSecret).getBytes(StandardCharsets.UTF_8)));
    }

    public int purgeExpiredSessions() {
        return store.purgeExpiredSessions(clock.instant());
    }

    private static String normalizeEmail(String email) {
        String e = email == null
                ? ""
                : PrintableField.require(email, "email").strip().toLowerCase(Locale.ROOT);
        if (!EMAIL.matcher(e).matches()) {
            throw new HubException.BadRequest("email must look like name@example.com");
        }
        return e;
    }

    private static void requireStrong(String password, String email) {
        String weakness = Passwords.weakness(password, email);
        if (weakness != null) {
            throw new HubException.BadRequest("weak_password", weakness);
        }
    }

    private static HubException.Unauthenticated sessionExpired() {
        return new HubException.Unauthenticated("session_expired", "your login has expired; log in again");
    }

    private static HubException.NotFound userNotFound(String tenantId, String userId) {
        return new HubException.NotFound("user_not_found", "tenant " + tenantId + " has no user " + userId);
    }
}
