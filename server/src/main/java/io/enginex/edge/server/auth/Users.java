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

    /** A successful login: the user, the cookie secret and the CSRF token (both shown once). */
    public record Login(User user, String cookieSecret, String csrfToken, Instant expiresAt) {
        @Override
        public String toString() {
            return "Login[user=" + user + ", expiresAt=" + expiresAt + "]";
        }
    }

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
        requireStrong(chosen);
        try {
            User user =
                    store.create(ids.next("usr"), tenantId, normalized, role.wire(), passwords.hash(chosen), createdBy);
            return new Created(user, password == null ? chosen : null);
        } catch (DuplicateException e) {
            throw new HubException.Conflict("user_exists", "a user with email " + normalized + " exists already");
        }
    }

    /**
     * Sets a new password (generated when {@code password} is null) and ends the user's sessions.
     *
     * @return the generated password, or null if the caller chose it
     * @throws HubException.NotFound {@code user_not_found} if the tenant has no such user
     */
    public String resetPassword(String tenantId, String userId, String password) {
        String chosen = password == null ? passwords.generate() : password;
        requireStrong(chosen);
        if (!store.setPassword(tenantId, userId, passwords.hash(chosen), clock.instant())) {
            throw userNotFound(tenantId, userId);
        }
        return password == null ? chosen : null;
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
        String secret = secrets.newSecret(SESSION_PREFIX);
        Instant expires = now.plus(SESSION_TTL);
        store.createSession(new UserSession(Secrets.hash(secret), user.tenantId(), user.id(), now, expires, sourceIp));
        store.recordLogin(user.tenantId(), user.id(), now);
        return new Login(user, secret, csrfToken(secret), expires);
    }

    /**
     * The caller behind a session cookie.
     *
     * @throws HubException.Unauthenticated {@code session_expired} if the session is unknown, expired
     *     or its user disabled
     */
    public Caller authenticateSession(String cookieSecret) {
        UserSession session =
                store.findSession(Secrets.hash(cookieSecret), clock.instant()).orElseThrow(Users::sessionExpired);
        User user = store.find(session.tenantId(), session.userId())
                .filter(u -> u.disabledAt() == null)
                .orElseThrow(Users::sessionExpired);
        return new Caller(user.id(), user.tenantId(), Role.fromWire(user.role()), Caller.Kind.USER, true);
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

    private static void requireStrong(String password) {
        String weakness = Passwords.weakness(password);
        if (weakness != null) {
            throw new HubException.BadRequest("weak_password", weakness + "; use a longer passphrase");
        }
    }

    private static HubException.Unauthenticated sessionExpired() {
        return new HubException.Unauthenticated("session_expired", "your login has expired; log in again");
    }

    private static HubException.NotFound userNotFound(String tenantId, String userId) {
        return new HubException.NotFound("user_not_found", "tenant " + tenantId + " has no user " + userId);
    }
}
