package io.enginex.edge.server.audit;

import io.enginex.edge.server.auth.Caller;

/**
 * Who did something, as the audit trail records it.
 *
 * @param type {@code user}, {@code api_key}, {@code agent}, {@code registration_token}, {@code
 *     anonymous} or {@code system}
 * @param id the user, key, agent or token id; for an anonymous actor, what they claimed to be (an
 *     email), or null
 */
public record Actor(String type, String id) {
    public static Actor of(Caller caller) {
        return new Actor(caller.kind().wire(), caller.actorId());
    }

    public static Actor agent(String agentId) {
        return new Actor("agent", agentId);
    }

    public static Actor registrationToken(String tokenId) {
        return new Actor("registration_token", tokenId);
    }

    public static Actor anonymous(String claimed) {
        return new Actor("anonymous", claimed);
    }

    public static Actor system() {
        return new Actor("system", null);
    }
}
