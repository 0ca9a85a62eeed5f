package io.enginex.edge.protocol;

/**
 * Hub → agent: check for updates now (added in protocol 1.0 without a version change). Sent when a
 * release was published or promoted on the channel the agent follows ({@code channel}, {@code version}),
 * and when the tenant's update pin changed ({@code pin}, the whole pin as it is now). The agent checks
 * the signed repository within {@code spreadMillis} (at a random moment in that window, so a fleet
 * does not arrive at once); the notice itself is not trusted: what to install still comes only from
 * the TUF metadata.
 *
 * <pre>{@code
 * {"type":"release","id":"h-40","channel":"stable","version":"1.5.0","spreadMillis":20000}
 * {"type":"release","id":"h-41","pin":{"channel":"beta"},"spreadMillis":10000}
 * }</pre>
 *
 * <p>A hub sends it only on connections whose agent sent an {@link UpdateReport}, so an older agent
 * never sees it.
 *
 * @param channel the channel whose release changed, or null (a pin change)
 * @param version the version the channel points at now, or null
 * @param pin the tenant's pin now ({@link UpdatePin#NONE} for none), or null when the notice is not
 *     about the pin
 * @param spreadMillis the window to check within, 0 to 3,600,000 ms
 */
public record ReleaseNotice(String id, String channel, String version, UpdatePin pin, long spreadMillis)
        implements Message {
    public static final String TYPE = "release";

    public ReleaseNotice {
        Messages.requireText(id, "id");
        if (channel != null) {
            UpdateReport.requireToken(channel, "channel", 32);
        }
        if (version != null) {
            UpdateReport.requireToken(version, "version", UpdateReport.MAX_VERSION);
        }
        if (spreadMillis < 0 || spreadMillis > 3_600_000) {
            throw new IllegalArgumentException("spreadMillis must be between 0 and 3600000, got " + spreadMillis);
        }
    }
}
