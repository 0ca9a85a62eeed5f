package io.enginex.edge.server.oauth;

import io.enginex.edge.server.IdGenerator;
import io.enginex.edge.server.audit.Audit;
import io.enginex.edge.server.auth.Secrets;
import io.enginex.edge.server.auth.Users;
import io.enginex.edge.server.store.OAuthStore;
import io.enginex.edge.server.store.Transactions;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * The hub's OAuth 2.1 parts for its MCP endpoint, made together: where things are ({@link
 * OAuthMetadata}), client registration, the authorization endpoint's logic and the tokens.
 */
public record OAuth(
        OAuthMetadata metadata, OAuthClients clients, AuthorizationServer authorization, OAuthTokens tokens) {
    /** @param baseUrl the hub's URL, known once it listens */
    public static OAuth of(
            OAuthStore store,
            Users users,
            Audit audit,
            Transactions tx,
            Secrets secrets,
            IdGenerator ids,
            Clock clock,
            Supplier<String> baseUrl) {
        var metadata = new OAuthMetadata(baseUrl);
        var clients = new OAuthClients(store, audit, ids, clock);
        return new OAuth(
                metadata,
                clients,
                new AuthorizationServer(clients, store, metadata, audit, tx, secrets, ids, clock),
                new OAuthTokens(clients, store, metadata, users, audit, secrets, clock));
    }
}
