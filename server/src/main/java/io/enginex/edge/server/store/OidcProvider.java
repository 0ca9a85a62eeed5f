package io.enginex.edge.server.store;

import java.time.Instant;

/**
 * A tenant's OpenID provider as stored. The client secret is only ever here sealed (see {@code
 * sso.ClientSecretSeal}) and {@link #toString()} leaves it out.
 *
 * @param issuer the provider's issuer URL, exactly as its discovery document names it
 * @param clientSecretSealed the client secret, sealed under a key derived from {@code hub.secret}
 * @param scopes the scopes asked for, space-separated, {@code openid} among them
 * @param groupsClaim the ID token claim that lists the person's groups
 * @param roleMapJson a JSON object from group to role
 * @param updatedBy the actor id that last set it
 */
public record OidcProvider(
        String tenantId,
        String displayName,
        String issuer,
        String clientId,
        String clientSecretSealed,
        String scopes,
        String groupsClaim,
        String roleMapJson,
        Instant updatedAt,
        String updatedBy) {
    @Override
    public String toString() {
        return "OidcProvider[tenantId=" + tenantId + ", issuer=" + issuer + ", clientId=" + clientId + "]";
    }
}
