package io.enginex.edge.protocol;

/**
 * Either direction: a frame the sender of this error could not accept. The connection stays up
 * unless the code is {@link ErrorCodes#UNSUPPORTED_VERSION}.
 *
 * <pre>{@code {"type":"error","id":"h-22","code":"unknown_type","message":"…","replyTo":"a-19"}}</pre>
 *
 * @param replyTo id of the offending frame, or empty when it could not be read
 */
public record ErrorFrame(String id, String code, String message, String replyTo) implements Message {
    public static final String TYPE = "error";

    public ErrorFrame {
        Messages.requireText(id, "id");
        Messages.requireText(code, "code");
        message = message == null ? "" : message;
        replyTo = replyTo == null ? "" : replyTo;
    }
}
