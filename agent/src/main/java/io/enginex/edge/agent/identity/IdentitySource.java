package io.enginex.edge.agent.identity;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * Where a connection reads the identity it signs with. Besides the current identity it may offer the
 * same identity with the key an unfinished rotation left {@linkplain PendingKey pending}, to try when
 * the hub refuses the current key, and be told when the hub accepted that key. A plain lambda is a
 * source without a pending key.
 */
@FunctionalInterface
public interface IdentitySource extends Supplier<AgentIdentity> {
    /** The current identity with the pending key in place of its own, if a rotation left one. */
    default Optional<AgentIdentity> withPendingKey() {
        return Optional.empty();
    }

    /** The hub accepted {@code adopted}'s key, the pending one: it is the current key from now on. */
    default void adopt(AgentIdentity adopted) {}
}
