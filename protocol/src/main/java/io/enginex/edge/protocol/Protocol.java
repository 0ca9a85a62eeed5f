package io.enginex.edge.protocol;

/**
 * The hub–agent wire protocol in one place: version, message types and the rule for compatibility.
 *
 * <p>One WebSocket per agent carries JSON text frames. Every frame is an object with a {@code type}
 * and an {@code id} (unique per sender and connection, used to correlate errors and pongs):
 *
 * <pre>{@code
 * {"type":"dispatch","id":"h-17","jobId":"job_01J…","tool":"fs.list","args":{"path":"."},
 *  "deadline":"2026-11-26T10:15:30Z","attempt":1}
 * }</pre>
 *
 * <p>Versioning: the agent names its version in {@link Hello#protocol()}; the hub answers in {@link
 * Welcome#protocol()} with the version both will speak. Peers of the same major version interoperate:
 * unknown fields are ignored, unknown message types are answered with an {@link ErrorFrame} of code
 * {@link ErrorCodes#UNKNOWN_TYPE} and the connection stays up. A different major version is refused
 * with {@link ErrorCodes#UNSUPPORTED_VERSION} and the socket is closed with {@link #CLOSE_UNSUPPORTED}.
 */
public final class Protocol {
    /** Major version: peers with a different major refuse each other. */
    public static final int MAJOR = 1;

    /** Minor version: additions only (new optional fields, new message types). */
    public static final int MINOR = 0;

    /** The version string sent in {@code hello} and {@code welcome}. */
    public static final String VERSION = MAJOR + "." + MINOR;

    /** WebSocket path on the hub. */
    public static final String WEBSOCKET_PATH = "/api/v1/agent/connect";

    /** WebSocket close code: the peer speaks an unsupported protocol major version. */
    public static final int CLOSE_UNSUPPORTED = 4000;

    /** WebSocket close code: the agent's credential was revoked or is no longer valid. */
    public static final int CLOSE_REVOKED = 4001;

    /** WebSocket close code: the same agent connected again; this older connection is replaced. */
    public static final int CLOSE_REPLACED = 4002;

    /** WebSocket close code: the peer sent no frame for two heartbeat intervals. */
    public static final int CLOSE_HEARTBEAT_TIMEOUT = 4003;

    /**
     * WebSocket close code: the hub is shutting down or restarting; reconnect within the window its
     * reason names ({@link RestartNotice}), else with backoff.
     */
    public static final int CLOSE_GOING_AWAY = 1001;

    private Protocol() {}

    /**
     * Returns whether a peer announcing {@code version} ("1.3") can talk to this one.
     *
     * @throws ProtocolException if the version string is not of the form {@code MAJOR.MINOR}
     */
    public static boolean isCompatible(String version) {
        return parseMajor(version) == MAJOR;
    }

    static int parseMajor(String version) {
        if (version == null || !version.matches("\\d{1,4}\\.\\d{1,4}")) {
            throw new ProtocolException(
                    ErrorCodes.BAD_FRAME, "protocol version must look like 1.0, got " + quote(version));
        }
        return Integer.parseInt(version.substring(0, version.indexOf('.')));
    }

    static String quote(String s) {
        if (s == null) {
            return "null";
        }
        return '"' + (s.length() > 40 ? s.substring(0, 40) + "…" : s) + '"';
    }
}
