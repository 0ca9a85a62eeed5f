package io.enginex.edge.server.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.server.auth.Users;
import io.enginex.edge.server.store.ApiKey;
import io.enginex.edge.server.store.AuditEvent;
import io.enginex.edge.server.store.User;
import java.time.Instant;
import java.util.List;

/** The JSON shapes of users, logins, API keys and audit events. */
final class IdentityViews {
    private IdentityViews() {}

    record UserView(
            String id,
            String tenant,
            String email,
            String role,
            Instant createdAt,
            String createdBy,
            Instant passwordChangedAt,
            Instant lastLoginAt,
            boolean disabled,
            String oidcIssuer,
            String passwordState,
            Instant oneTimeExpiresAt) {
        static UserView of(User u) {
            return new UserView(
                    u.id(),
                    u.tenantId(),
                    u.email(),
                    u.role(),
                    u.createdAt(),
                    u.createdBy(),
                    u.passwordChangedAt(),
                    u.lastLoginAt(),
                    u.disabledAt() != null,
                    u.oidcIssuer(),
                    u.passwordState(),
                    u.oneTimePassword() && u.oneTimeUsedAt() == null ? u.oneTimeExpiresAt() : null);
        }
    }

    /** A created user; {@code password} is present only when the hub generated it (shown once). */
    record CreatedUserView(UserView user, String password) {}

    record PasswordView(String userId, String password) {}

    /**
     * @param passwordChangeRequired the login used a one-time password: the session may only call
     *     {@code changePassword}
     * @param changePassword where to choose the new password, when one is required
     */
    record LoginView(
            UserView user,
            String csrfToken,
            Instant expiresAt,
            boolean passwordChangeRequired,
            @JsonInclude(JsonInclude.Include.NON_NULL) String changePassword) {
        static LoginView of(Users.Login login) {
            return new LoginView(
                    UserView.of(login.user()),
                    login.csrfToken(),
                    login.expiresAt(),
                    login.passwordChangeRequired(),
                    login.passwordChangeRequired() ? Users.CHANGE_PASSWORD_ROUTE : null);
        }
    }

    record MeView(String kind, String id, String tenant, String role, UserView user) {}

    record ApiKeyView(
            String id,
            String tenant,
            String role,
            String label,
            Instant createdAt,
            String createdBy,
            Instant lastUsedAt,
            Instant revokedAt) {
        static ApiKeyView of(ApiKey k) {
            return new ApiKeyView(
                    k.id(),
                    k.tenantId(),
                    k.role(),
                    k.label(),
                    k.createdAt(),
                    k.createdBy(),
                    k.lastUsedAt(),
                    k.revokedAt());
        }
    }

    record AuditEventView(
            String id,
            String tenant,
            Instant at,
            String type,
            Actor actor,
            String sourceIp,
            Target target,
            String outcome,
            JsonNode details) {
        record Actor(String type, String id) {}

        record Target(String type, String id) {}

        static AuditEventView of(AuditEvent e, ObjectMapper mapper) {
            JsonNode details;
            try {
                details = mapper.readTree(e.detailsJson());
            } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
                details = mapper.createObjectNode();
            }
            return new AuditEventView(
                    e.id(),
                    e.tenantId(),
                    e.at(),
                    e.type(),
                    new Actor(e.actorType(), e.actorId()),
                    e.sourceIp(),
                    e.targetType() == null ? null : new Target(e.targetType(), e.targetId()),
                    e.outcome(),
                    details);
        }
    }

    /** One page of audit events; {@code next} is the cursor for the following page, or null at the end. */
    record AuditPage(List<AuditEventView> events, String next) {}
}
