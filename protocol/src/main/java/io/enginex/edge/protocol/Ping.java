package io.enginex.edge.protocol;

/**
 * Either direction: heartbeat. The receiver answers with a {@link Pong}.
 *
 * <pre>{@code {"type":"ping","id":"a-20"}}</pre>
 */
public record Ping(String id) implements Message {
    public static final String TYPE = "ping";

    public Ping {
        Messages.requireText(id, "id");
    }
}
