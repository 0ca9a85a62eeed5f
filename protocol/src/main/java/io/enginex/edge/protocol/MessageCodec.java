package io.enginex.edge.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.util.Set;

/**
 * Turns frames into {@link Message}s and back. Thread-safe; build one per {@link FrameLimits} and
 * share it.
 *
 * <p>Decoding checks, in order: size, JSON well-formedness within the nesting and string limits, a
 * textual {@code type} that this version knows, then the message's own field rules. Each failure is
 * a {@link ProtocolException} whose code the receiver sends back in an {@link ErrorFrame}.
 */
public final class MessageCodec {
    private static final Set<String> KNOWN_TYPES = MessageTypes.known();

    private final FrameLimits limits;
    private final ObjectMapper mapper;

    public MessageCodec(FrameLimits limits) {
        this.limits = limits;
        this.mapper = newMapper(limits);
    }

    public MessageCodec() {
        this(FrameLimits.DEFAULT);
    }

    /**
     * A JSON mapper configured the way the protocol reads and writes: ISO-8601 instants, unknown
     * fields ignored, nulls left out, reading bounded by {@code limits}. Other JSON the products read
     * from the network (REST bodies) uses the same rules.
     */
    public static ObjectMapper newMapper(FrameLimits limits) {
        JsonMapper mapper = JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .defaultPropertyInclusion(
                        JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
                .build();
        mapper.getFactory()
                .setStreamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(limits.maxNestingDepth())
                        .maxStringLength(limits.maxStringChars())
                        .maxDocumentLength(limits.maxFrameBytes())
                        .maxNumberLength(64)
                        .build());
        return mapper;
    }

    public FrameLimits limits() {
        return limits;
    }

    /** The mapper behind this codec, for JSON that travels inside frames (tool arguments, output). */
    public ObjectMapper mapper() {
        return mapper;
    }

    /**
     * Reads one frame.
     *
     * @throws ProtocolException with {@link ErrorCodes#FRAME_TOO_LARGE}, {@link ErrorCodes#BAD_FRAME}
     *     or {@link ErrorCodes#UNKNOWN_TYPE}
     */
    public Message decode(String frame) {
        if (frame == null || frame.isEmpty()) {
            throw new ProtocolException(ErrorCodes.BAD_FRAME, "empty frame");
        }
        int bytes = utf8Length(frame);
        if (bytes > limits.maxFrameBytes()) {
            throw new ProtocolException(
                    ErrorCodes.FRAME_TOO_LARGE,
                    "frame of " + bytes + " bytes exceeds the limit of " + limits.maxFrameBytes());
        }
        JsonNode tree;
        try {
            tree = mapper.readTree(frame);
        } catch (JsonProcessingException e) {
            throw new ProtocolException(ErrorCodes.BAD_FRAME, "frame is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (!(tree instanceof ObjectNode object)) {
            throw new ProtocolException(ErrorCodes.BAD_FRAME, "frame must be a JSON object");
        }
        JsonNode type = object.get("type");
        if (type == null || !type.isTextual()) {
            throw new ProtocolException(ErrorCodes.BAD_FRAME, "frame has no textual \"type\"");
        }
        if (!KNOWN_TYPES.contains(type.textValue())) {
            throw new ProtocolException(
                    ErrorCodes.UNKNOWN_TYPE,
                    "unknown frame type "
                            + Protocol.quote(type.textValue())
                            + "; this peer speaks protocol "
                            + Protocol.VERSION);
        }
        try {
            return mapper.treeToValue(object, Message.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new ProtocolException(
                    ErrorCodes.BAD_FRAME, "invalid " + type.textValue() + " frame: " + rootMessage(e), e);
        }
    }

    /** Writes one frame. Never fails for a valid message. */
    public String encode(Message message) {
        try {
            return mapper.writerFor(Message.class).writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(
                    "cannot encode " + message.getClass().getSimpleName(), e);
        }
    }

    /** Best-effort id of a frame that failed to decode, for {@link ErrorFrame#replyTo()}. */
    public String idOf(String frame) {
        if (frame == null || utf8Length(frame) > limits.maxFrameBytes()) {
            return "";
        }
        try {
            JsonNode id = mapper.readTree(frame).get("id");
            return id != null && id.isTextual() && id.textValue().length() <= 128 ? id.textValue() : "";
        } catch (JsonProcessingException | RuntimeException e) {
            return "";
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t instanceof JsonProcessingException j ? j.getOriginalMessage() : t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m;
    }

    static int utf8Length(String s) {
        int bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length()) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
