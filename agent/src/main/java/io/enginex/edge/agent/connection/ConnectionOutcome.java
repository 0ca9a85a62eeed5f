package io.enginex.edge.agent.connection;

/**
 * Why {@link HubConnection#run()} returned.
 *
 * @param message for the person: what happened and what to do (empty when stopped on request)
 */
public record ConnectionOutcome(Kind kind, String message) {
    public enum Kind {
        /** {@link HubConnection#stop()} was called. */
        STOPPED,
        /** The hub revoked or no longer knows this agent; retrying cannot help. */
        REVOKED
    }

    static ConnectionOutcome stopped() {
        return new ConnectionOutcome(Kind.STOPPED, "");
    }

    /**
     * @param trustOption {@code --pin …} or {@code --ca-file …} to repeat in the suggested command, or empty
     */
    static ConnectionOutcome revoked(String hubUrl, String trustOption, String detail) {
        return new ConnectionOutcome(
                Kind.REVOKED,
                "this agent's credential was revoked by the hub" + (detail.isBlank() ? "" : " (" + detail + ")")
                        + "; re-register with a new token: enginex-agent register --force --server " + hubUrl
                        + trustOption + " --token <new token>");
    }
}
