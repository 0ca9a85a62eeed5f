package io.enginex.edge.server.auth;

import io.enginex.edge.server.HubException;
import io.enginex.edge.server.audit.Actor;
import io.enginex.edge.server.audit.Audit;
import io.enginex.edge.server.audit.AuditType;
import io.enginex.edge.server.idempotency.Answer;
import io.enginex.edge.server.idempotency.Creation;
import io.enginex.edge.server.store.ApiKey;
import io.enginex.edge.server.store.ApiKeyStore;
import io.enginex.edge.server.store.Transactions;
import io.enginex.edge.server.store.User;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Logins, for every front end: signing in and out (the API's login and the dashboard's form), the
 * users of a tenant and their passwords, and API keys. Each use case authorises the caller (tenant
 * and role), validates, writes, and audits once, here; the attempt budgets (rate limits per address
 * and per email) stay with the adapters, which share them. Thread-safe.
 */
public final class Logins {
    /** The longest API key label. */
    public static final int MAX_LABEL = 200;

    private static final int MAX_CLAIMED_EMAIL = 320;

    private final Users users;
    private final ApiKeys apiKeys;
    private final ApiKeyStore keyStore;
    private final Audit audit;
    private final TenantGuard guard;
    private final Transactions tx;
    private final Clock clock;

    public Logins(
            Users users,
            ApiKeys apiKeys,
            ApiKeyStore keyStore,
            Audit audit,
            TenantGuard guard,
            Transactions tx,
            Clock clock) {
        this.users = users;
        this.apiKeys = apiKeys;
        this.keyStore = keyStore;
        this.audit = audit;
        this.guard = guard;
        this.tx = tx;
        this.clock = clock;
    }

    /**
     * Signs a person in: a new session and {@code login.succeeded}, in one transaction. A failure is
     * audited as {@code login.failed} (in the user's tenant when the email is known) and rethrown.
     *
     * @throws HubException.Unauthenticated {@code invalid_credentials}
     * @throws HubException.BadRequest for a malformed email
     */
    public Users.Login signIn(String email, String password, Origin origin) {
        try {
            return tx.inTransaction(() -> {
                Users.Login login = users.login(email, password, origin.sourceIp());
                User user = login.user();
                audit.record(
                        user.tenantId(),
                        AuditType.LOGIN_SUCCEEDED,
                        new Actor("user", user.id()),
                        origin.sourceIp(),
                        new Audit.Target("user", user.id()),
                        Audit.Outcome.SUCCESS,
                        origin.tag(Map.of("password_change_required", login.passwordChangeRequired())));
                return login;
            });
        } catch (HubException.Unauthenticated | HubException.BadRequest refused) {
            audit.record(
                    users.findByEmail(email).map(User::tenantId).orElse(null),
                    AuditType.LOGIN_FAILED,
                    Actor.anonymous(email.length() > MAX_CLAIMED_EMAIL ? email.substring(0, MAX_CLAIMED_EMAIL) : email),
                    origin.sourceIp(),
                    Audit.Target.NONE,
                    Audit.Outcome.FAILURE,
                    origin.tag(Map.of("reason", refused.code())));
            throw refused;
        }
    }

    /** Ends the session of {@code cookieSecret} and audits {@code session.ended}, in one transaction. */
    public void signOut(Caller caller, String cookieSecret, Origin origin) {
        tx.run(() -> {
            users.logout(cookieSecret);
            audit.record(
                    caller.tenantId(),
                    AuditType.SESSION_ENDED,
                    Actor.of(caller),
                    origin.sourceIp(),
                    Audit.Target.NONE,
                    Audit.Outcome.SUCCESS,
                    origin.tag(Map.of()));
        });
    }

    /**
     * The session of {@code cookieSecret}, also one opened with a one-time password (which may only
     * change the password).
     *
     * @throws HubException.Unauthenticated {@code session_expired}
     */
    public Users.SessionUser session(String cookieSecret) {
        return users.sessionUser(cookieSecret);
    }

    /**
     * A signed-in person changes their own password, giving the current one (not needed in a session
     * opened with a one-time password). Ends every session of the user and opens a new one for this
     * browser; audited {@code password.changed} (success or failure, never the password), in one
     * transaction with the change.
     *
     * @throws HubException.Unauthenticated {@code session_expired}, {@code wrong_password}
     * @throws HubException.BadRequest {@code weak_password} naming the broken rule, {@code same_password}
     */
    public Users.Login changeOwnPassword(String cookieSecret, String current, String chosen, Origin origin) {
        Users.SessionUser session = users.sessionUser(cookieSecret);
        User user = session.user();
        Actor actor = new Actor("user", user.id());
        Audit.Target target = new Audit.Target("user", user.id());
        Map<String, Object> details = Map.of("one_time", session.passwordChangeOnly());
        try {
            return tx.inTransaction(() -> {
                Users.Login login = users.changeOwnPassword(session, current, chosen, origin.sourceIp());
                audit.record(
                        user.tenantId(),
                        AuditType.PASSWORD_CHANGED,
                        actor,
                        origin.sourceIp(),
                        target,
                        Audit.Outcome.SUCCESS,
                        origin.tag(details));
                return login;
            });
        } catch (HubException.Unauthenticated | HubException.BadRequest refused) {
            audit.record(
                    user.tenantId(),
                    AuditType.PASSWORD_CHANGED,
                    actor,
                    origin.sourceIp(),
                    target,
                    Audit.Outcome.FAILURE,
                    origin.tag(Map.of("one_time", session.passwordChangeOnly(), "reason", refused.code())));
            throw refused;
        }
    }

    /** The user behind {@code caller}, or null for an API key. */
    public User whoAmI(Caller caller) {
        return caller.kind() == Caller.Kind.USER ? users.find(caller.tenantId(), caller.actorId()) : null;
    }

    /**
     * A new user of {@code tenant}, audited {@code user.created}. Admins make users; only an owner
     * (or a platform key) makes an owner.
     *
     * @throws HubException.Conflict {@code user_exists}
     */
    public Users.Created createUser(
            Caller caller, String tenant, String email, Role role, String password, Origin origin) {
        guard.checkWrite(caller, tenant);
        caller.requireRole(Role.ADMIN);
        caller.requireRole(role == Role.OWNER ? Role.OWNER : Role.ADMIN);
        return tx.inTransaction(() -> {
            Users.Created created = users.create(tenant, email, role, password, caller.actorId());
            User user = created.user();
            audit.record(
                    tenant,
                    AuditType.USER_CREATED,
                    Actor.of(caller),
                    origin.sourceIp(),
                    new Audit.Target("user", user.id()),
                    Audit.Outcome.SUCCESS,
                    origin.tag(Map.of("email", user.email(), "role", user.role())));
            return created;
        });
    }

    /** The tenant's users (admins). */
    public List<User> users(Caller caller, String tenant) {
        guard.check(caller, tenant);
        caller.requireRole(Role.ADMIN);
        return users.list(tenant);
    }

    /**
     * Sets a user's password (or generates one), audited {@code password.reset}. A user may reset
     * their own; otherwise an admin, and an owner's only by an owner.
     *
     * @return the generated password, or null when {@code password} was given
     * @throws HubException.NotFound {@code user_not_found}
     */
    public String resetPassword(Caller caller, String tenant, String userId, String password, Origin origin) {
        guard.checkWrite(caller, tenant);
        User user = users.find(tenant, userId);
        boolean self = caller.kind() == Caller.Kind.USER && caller.actorId().equals(userId);
        if (!self) {
            caller.requireRole(Role.fromWire(user.role()) == Role.OWNER ? Role.OWNER : Role.ADMIN);
        }
        return tx.inTransaction(() -> {
            String generated = users.resetPassword(tenant, userId, password);
            audit.record(
                    tenant,
                    AuditType.PASSWORD_RESET,
                    Actor.of(caller),
                    origin.sourceIp(),
                    new Audit.Target("user", userId),
                    Audit.Outcome.SUCCESS,
                    origin.tag(Map.of("self", self)));
            return generated;
        });
    }

    /**
     * Changes a user's role and/or disables or enables them (admins), audited {@code user.updated}
     * (details role, previous_role), {@code user.disabled} or {@code user.enabled}, in one transaction
     * with the change. Making, unmaking, disabling or enabling an owner needs an owner. Nobody changes
     * their own role or disables themselves (another admin must), so a tenant is never left without
     * the admin who could undo it. Disabling ends every session of the user at once; a role change
     * applies to their next request.
     *
     * @param role the new role, or null to keep it
     * @param disabled true to disable, false to enable, null to keep
     * @return the user as they are now
     * @throws HubException.NotFound {@code user_not_found}
     * @throws HubException.BadRequest {@code nothing_to_change}, {@code cannot_change_self}
     */
    public User updateUser(Caller caller, String tenant, String userId, Role role, Boolean disabled, Origin origin) {
        guard.checkWrite(caller, tenant);
        caller.requireRole(Role.ADMIN);
        User user = users.find(tenant, userId);
        if (role == null && disabled == null) {
            throw new HubException.BadRequest(
                    "nothing_to_change", "send the user's new role, or disabled true or false (or both)");
        }
        if (caller.kind() == Caller.Kind.USER && caller.actorId().equals(userId)) {
            throw new HubException.BadRequest(
                    "cannot_change_self",
                    "you cannot change your own role or disable yourself; ask another admin of your tenant");
        }
        Role current = Role.fromWire(user.role());
        if (current == Role.OWNER || role == Role.OWNER) {
            caller.requireRole(Role.OWNER);
        }
        return tx.inTransaction(() -> {
            Actor actor = Actor.of(caller);
            Audit.Target target = new Audit.Target("user", userId);
            if (role != null && role != current) {
                users.setRole(tenant, userId, role);
                audit.record(
                        tenant,
                        AuditType.USER_UPDATED,
                        actor,
                        origin.sourceIp(),
                        target,
                        Audit.Outcome.SUCCESS,
                        origin.tag(Map.of("email", user.email(), "role", role.wire(), "previous_role", user.role())));
            }
            boolean wasDisabled = user.disabledAt() != null;
            if (disabled != null && disabled != wasDisabled) {
                users.setDisabled(tenant, userId, disabled ? clock.instant() : null);
                audit.record(
                        tenant,
                        disabled ? AuditType.USER_DISABLED : AuditType.USER_ENABLED,
                        actor,
                        origin.sourceIp(),
                        target,
                        Audit.Outcome.SUCCESS,
                        origin.tag(Map.of("email", user.email(), "role", role == null ? user.role() : role.wire())));
            }
            return users.find(tenant, userId);
        });
    }

    /**
     * A new API key, to run through {@code IdempotentCreates}: the key and {@code api_key.created}
     * commit together. Admins make keys; only an owner (or a platform key) makes an owner key.
     *
     * @throws HubException.BadRequest for a label that is too long
     */
    public Creation<ApiKeys.Issued> newApiKey(
            Caller caller,
            String tenant,
            Role role,
            String label,
            Origin origin,
            Function<ApiKeys.Issued, Answer> answer) {
        guard.checkWrite(caller, tenant);
        caller.requireRole(role == Role.OWNER ? Role.OWNER : Role.ADMIN);
        String text = label == null ? "" : label;
        if (text.length() > MAX_LABEL) {
            throw new HubException.BadRequest("label must be at most " + MAX_LABEL + " characters");
        }
        return Creation.of(
                () -> {
                    ApiKeys.Issued issued = apiKeys.issue(tenant, role, text, caller.actorId());
                    ApiKey key = issued.key();
                    audit.record(
                            key.tenantId(),
                            AuditType.API_KEY_CREATED,
                            Actor.of(caller),
                            origin.sourceIp(),
                            new Audit.Target("api_key", key.id()),
                            Audit.Outcome.SUCCESS,
                            origin.tag(Map.of("role", key.role(), "label", key.label())));
                    return issued;
                },
                answer);
    }

    /** The tenant's API keys (admins). */
    public List<ApiKey> apiKeys(Caller caller, String tenant) {
        guard.check(caller, tenant);
        caller.requireRole(Role.ADMIN);
        return keyStore.list(tenant);
    }

    /**
     * Revokes an API key (admins; an owner key only by an owner), audited {@code api_key.revoked} the
     * first time. Revoking a revoked key changes nothing.
     *
     * @throws HubException.NotFound {@code api_key_not_found}
     */
    public void revokeApiKey(Caller caller, String tenant, String id, Origin origin) {
        guard.checkWrite(caller, tenant);
        caller.requireRole(Role.ADMIN);
        ApiKey key = keyStore.find(tenant, id)
                .orElseThrow(() -> new HubException.NotFound(
                        "api_key_not_found", "tenant " + tenant + " has no API key " + id + "; list them with GET"));
        if (Role.fromWire(key.role()) == Role.OWNER) {
            caller.requireRole(Role.OWNER);
        }
        tx.run(() -> {
            if (keyStore.revoke(tenant, id, clock.instant())) {
                audit.record(
                        tenant,
                        AuditType.API_KEY_REVOKED,
                        Actor.of(caller),
                        origin.sourceIp(),
                        new Audit.Target("api_key", id),
                        Audit.Outcome.SUCCESS,
                        origin.tag(Map.of("role", key.role())));
            }
        });
    }
}
