package io.enginex.edge.server.store.jdbc;

import io.enginex.edge.server.store.OAuthStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** {@link OAuthStore} in {@code oauth_clients}, {@code oauth_grants}, {@code oauth_codes} and {@code oauth_tokens}. */
final class JdbcOAuthStore implements OAuthStore {
    private final Jdbi jdbi;

    JdbcOAuthStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public void createClient(Client client) {
        jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO oauth_clients (id, client_name, redirect_uris, created_at)
                        VALUES (:id, :name, :uris, :at)""")
                .bind("id", client.id())
                .bind("name", client.name())
                .bind("uris", String.join("\n", client.redirectUris()))
                .bind("at", Timestamps.arg(client.createdAt()))
                .execute());
    }

    @Override
    public Optional<Client> findClient(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM oauth_clients WHERE id = :id")
                .bind("id", id)
                .map((rs, ctx) -> new Client(
                        rs.getString("id"),
                        rs.getString("client_name"),
                        Arrays.asList(rs.getString("redirect_uris").split("\n")),
                        Timestamps.read(rs, "created_at")))
                .findOne());
    }

    @Override
    public void createGrant(Grant grant, Code code) {
        jdbi.useTransaction(h -> {
            h.createUpdate("""
                            INSERT INTO oauth_grants (id, client_id, tenant_id, user_id, resource, scope, created_at)
                            VALUES (:id, :client, :tenant, :user, :resource, :scope, :at)""")
                    .bind("id", grant.id())
                    .bind("client", grant.clientId())
                    .bind("tenant", grant.tenantId())
                    .bind("user", grant.userId())
                    .bind("resource", grant.resource())
                    .bind("scope", grant.scope())
                    .bind("at", Timestamps.arg(grant.createdAt()))
                    .execute();
            h.createUpdate("""
                            INSERT INTO oauth_codes (code_hash, grant_id, redirect_uri, code_challenge, expires_at)
                            VALUES (:hash, :grant, :uri, :challenge, :expires)""")
                    .bind("hash", code.hash())
                    .bind("grant", code.grantId())
                    .bind("uri", code.redirectUri())
                    .bind("challenge", code.codeChallenge())
                    .bind("expires", Timestamps.arg(code.expiresAt()))
                    .execute();
        });
    }

    @Override
    public Optional<Grant> findGrant(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM oauth_grants WHERE id = :id")
                .bind("id", id)
                .map((rs, ctx) -> new Grant(
                        rs.getString("id"),
                        rs.getString("client_id"),
                        rs.getString("tenant_id"),
                        rs.getString("user_id"),
                        rs.getString("resource"),
                        rs.getString("scope"),
                        Timestamps.read(rs, "created_at"),
                        Timestamps.read(rs, "revoked_at")))
                .findOne());
    }

    @Override
    public Optional<Code> findCode(String hash) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM oauth_codes WHERE code_hash = :hash")
                .bind("hash", hash)
                .map((rs, ctx) -> new Code(
                        rs.getString("code_hash"),
                        rs.getString("grant_id"),
                        rs.getString("redirect_uri"),
                        rs.getString("code_challenge"),
                        Timestamps.read(rs, "expires_at"),
                        Timestamps.read(rs, "used_at")))
                .findOne());
    }

    @Override
    public Optional<Token> findToken(String hash) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM oauth_tokens WHERE token_hash = :hash")
                .bind("hash", hash)
                .map((rs, ctx) -> token(rs))
                .findOne());
    }

    private static Token token(ResultSet rs) throws SQLException {
        return new Token(
                rs.getString("token_hash"),
                rs.getString("grant_id"),
                rs.getString("kind"),
                Timestamps.read(rs, "expires_at"),
                Timestamps.read(rs, "used_at"));
    }

    @Override
    public boolean redeemCode(String codeHash, Instant now, List<Token> tokens) {
        return spend("oauth_codes", "code_hash", codeHash, now, tokens);
    }

    @Override
    public boolean rotateRefresh(String refreshHash, Instant now, List<Token> tokens) {
        return spend("oauth_tokens", "token_hash", refreshHash, now, tokens);
    }

    /** Marks the row used if it is unused and unexpired (one winner among racing requests) and stores the tokens. */
    private boolean spend(String table, String key, String hash, Instant now, List<Token> tokens) {
        return jdbi.inTransaction(h -> {
            int spent = h.createUpdate("UPDATE " + table + " SET used_at = :now WHERE " + key
                            + " = :hash AND used_at IS NULL AND expires_at > :now")
                    .bind("now", Timestamps.arg(now))
                    .bind("hash", hash)
                    .execute();
            if (spent != 1) {
                return false;
            }
            tokens.forEach(t -> insert(h, t));
            return true;
        });
    }

    private static void insert(Handle h, Token t) {
        h.createUpdate("""
                        INSERT INTO oauth_tokens (token_hash, grant_id, kind, expires_at)
                        VALUES (:hash, :grant, :kind, :expires)""")
                .bind("hash", t.hash())
                .bind("grant", t.grantId())
                .bind("kind", t.kind())
                .bind("expires", Timestamps.arg(t.expiresAt()))
                .execute();
    }

    @Override
    public boolean revokeGrant(String grantId, Instant now) {
        return jdbi.withHandle(h -> h.createUpdate(
                                "UPDATE oauth_grants SET revoked_at = :now WHERE id = :id AND revoked_at IS NULL")
                        .bind("now", Timestamps.arg(now))
                        .bind("id", grantId)
                        .execute())
                == 1;
    }

    @Override
    public int revokeGrantsOf(String tenantId, String userId, Instant now) {
        return jdbi.withHandle(h -> h.createUpdate("""
                        UPDATE oauth_grants SET revoked_at = :now
                        WHERE tenant_id = :tenant AND user_id = :user AND revoked_at IS NULL""")
                .bind("now", Timestamps.arg(now))
                .bind("tenant", tenantId)
                .bind("user", userId)
                .execute());
    }
}
