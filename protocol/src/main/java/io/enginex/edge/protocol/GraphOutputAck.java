package io.enginex.edge.protocol;

/**
 * Hub → agent: the answer to a {@link GraphOutputChunk} (added in protocol 1.0 without a version
 * change). {@code received} is how many bytes of the output the hub has stored, the offset of the next
 * chunk; {@code complete} says the hub has it all and its SHA-256 matched, and the agent never sends
 * it again. With {@code error} the hub refused the output (too large for its caps, or its SHA-256 did
 * not match, when the hub dropped what it had): the agent tries it again on its next connection.
 *
 * <pre>{@code
 * {"type":"graphOutputAck","id":"h-40","replyTo":"a-31","stepId":"run_…:dump","received":393216,
 *  "complete":false}
 * }</pre>
 */
public record GraphOutputAck(String id, String replyTo, String stepId, long received, boolean complete, ErrorInfo error)
        implements Message {
    public static final String TYPE = "graphOutputAck";

    public GraphOutputAck {
        Messages.requireText(id, "id");
        Messages.requireText(replyTo, "replyTo");
        Messages.requireText(stepId, "stepId");
        Messages.requireNonNegative(received, "received");
    }
}
