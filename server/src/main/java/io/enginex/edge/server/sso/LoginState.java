package io.enginex.edge.server.sso;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.Optional;

/**
 * What a browser carries between the start of a sign-in and the provider's answer, sealed into a
 * cookie ({@link Seal}, purpose {@value #PURPOSE}) so that any node of the hub can finish what
 * another started and nothing is stored: the tenant, the {@code state} the answer must repeat, the
 * {@code nonce} the ID token must carry, the PKCE verifier, where to go afterwards, and until when
 * it is good. The browser cannot read or change it.
 */
record LoginState(String tenant, String state, String nonce, String verifier, String next, long expiresAt) {
    static final String PURPOSE = "oidc login state";

    /** The cookie's value. */
    String seal(Seal seal, ObjectMapper mapper) {
        try {
            return seal.seal(PURPOSE, mapper.writeValueAsString(this));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a login state always serialises", e);
        }
    }

    /** The state sealed in {@code cookie}, if it opens and has not expired at {@code now}. */
    static Optional<LoginState> open(Seal seal, ObjectMapper mapper, String cookie, Instant now) {
        return seal.open(PURPOSE, cookie)
                .flatMap(json -> {
                    try {
                        return Optional.of(mapper.readValue(json, LoginState.class));
                    } catch (JsonProcessingException e) {
                        return Optional.empty();
                    }
                })
                .filter(s -> s.expiresAt() > now.getEpochSecond());
    }

    @Override
    public String toString() {
        return "LoginState[tenant=" + tenant + ", next=" + next + ", expiresAt=" + expiresAt + "]";
    }
}
