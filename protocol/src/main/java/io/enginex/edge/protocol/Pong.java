package io.enginex.edge.protocol;

/**
 * Either direction: answer to the {@link Ping} whose id is {@code replyTo}.
 *
 * <pre>{@code {"type":"pong","id":"h-21","replyTo":"a-20"}}</pre>
 */
public record Pong(String id, String replyTo) implements Message {
    public static final String TYPE = "pong";

    public Pong {
        Messages.requireText(id, "id");
        replyTo = replyTo == null ? "" : replyTo;
    }
}
