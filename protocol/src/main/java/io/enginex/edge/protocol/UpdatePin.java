package io.enginex.edge.protocol;

/**
 * A tenant admin's pin of the tenant's agents' updates, in {@link Welcome#updatePin()} and {@link
 * ReleaseNotice#pin()}: follow another channel, or hold at one version. At most one of the two is set;
 * neither means no pin (the agent follows its own channel).
 *
 * <pre>{@code
 * {"channel":"beta"}
 * {"version":"1.4.0"}
 * {}
 * }</pre>
 *
 * <p>A pin chooses among what the repository signed: the agent still verifies every file with TUF,
 * never installs a version older than it runs (except away from a withdrawn version, as always) and
 * never one it rolled back.
 *
 * @param channel the channel to follow instead of the agent's own, or null
 * @param version the version to run (installed when newer than the running one; never newer than it), or null
 */
public record UpdatePin(String channel, String version) {
    public static final UpdatePin NONE = new UpdatePin(null, null);

    public UpdatePin {
        if (channel != null && version != null) {
            throw new IllegalArgumentException("a pin names a channel or a version, not both");
        }
        if (channel != null) {
            UpdateReport.requireToken(channel, "pin.channel", 32);
        }
        if (version != null) {
            UpdateReport.requireToken(version, "pin.version", UpdateReport.MAX_VERSION);
        }
    }

    /** Whether this pins nothing. */
    public boolean none() {
        return channel == null && version == null;
    }
}
