package io.enginex.edge.server.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The MCP endpoint's OAuth clients, grants, codes and tokens ({@code oauth.AuthorizationServer}).
 * Codes and tokens are kept as the SHA-256 of their secret only. A revoked grant's codes and tokens
 * are refused by the service, not deleted.
 */
public interface OAuthStore {
    /** A registered (public) client. */
    record Client(String id, String name, List<String> redirectUris, Instant createdAt) {}

    /** A person's consent: one client, one user of one tenant, one resource. */
    record Grant(
            String id,
            String clientId,
            String tenantId,
            String userId,
            String resource,
            String scope,
            Instant createdAt,
            Instant revokedAt) {}

    /** An authorization code of a grant, with the PKCE challenge (S256) it must be redeemed with. */
    record Code(
            String hash, String grantId, String redirectUri, String codeChallenge, Instant expiresAt, Instant usedAt) {}

    /** An access or refresh token of a grant. */
    record Token(String hash, String grantId, String kind, Instant expiresAt, Instant usedAt) {
        public static final String ACCESS = "access";
        public static final String REFRESH = "refresh";
    }

    void createClient(Client client);

    Optional<Client> findClient(String id);

    /** Stores a new grant with its first code, in one transaction. */
    void createGrant(Grant grant, Code code);

    Optional<Grant> findGrant(String id);

    Optional<Code> findCode(String hash);

    Optional<Token> findToken(String hash);

    /**
     * Spends the code (unused and unexpired at {@code now}) and stores {@code tokens}, in one
     * transaction.
     *
     * @return false, storing nothing, when the code was already used or has expired
     */
    boolean redeemCode(String codeHash, Instant now, List<Token> tokens);

    /**
     * Spends the refresh token (unused and unexpired at {@code now}) and stores {@code tokens}, in one
     * transaction.
     *
     * @return false, storing nothing, when it was already used or has expired
     */
    boolean rotateRefresh(String refreshHash, Instant now, List<Token> tokens);

    /** @return whether the grant was live (not revoked before) */
    boolean revokeGrant(String grantId, Instant now);

    /** Revokes every live grant of the user; returns how many. */
    int revokeGrantsOf(String tenantId, String userId, Instant now);
}
