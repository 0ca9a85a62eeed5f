package io.enginex.edge.common.tuf;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import org.erdtman.jcs.JsonCanonicalizer;

/**
 * JSON as TUF metadata uses it: parsing with limits, the canonical form signatures are made over,
 * SHA-256 hex digests and the specification's {@code YYYY-MM-DDTHH:MM:SSZ} times.
 *
 * <p>Canonical form: RFC 8785 (JSON Canonicalization Scheme) by {@link JsonCanonicalizer}. For the
 * values this repository writes (ASCII strings without control characters, integers) it is byte for
 * byte the OLPC canonical JSON that python-tuf and tuf-js sign over; the hub's repository writes no other.
 */
public final class TufJson {
    /** Parses untrusted metadata: no document nests deeper than 32 or has a string over 64 KiB. */
    public static final ObjectMapper MAPPER = new ObjectMapper();

    static {
        MAPPER.getFactory()
                .setStreamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(32)
                        .maxStringLength(64 * 1024)
                        .build());
    }

    private static final DateTimeFormatter TIME = DateTimeFormatter.ISO_INSTANT;

    private TufJson() {}

    /** The canonical bytes of {@code node}, what a signature covers. */
    public static byte[] canonical(JsonNode node) {
        try {
            return new JsonCanonicalizer(MAPPER.writeValueAsString(node)).getEncodedUTF8();
        } catch (IOException e) {
            throw new TufException("invalid", "cannot canonicalise JSON: " + e.getMessage(), e);
        }
    }

    /** Parses {@code bytes} of the file {@code name} as a JSON object. */
    public static ObjectNode parse(byte[] bytes, String name) {
        try {
            JsonNode node = MAPPER.readTree(bytes);
            if (node instanceof ObjectNode object) {
                return object;
            }
            throw new TufException("invalid", name + " is not a JSON object");
        } catch (JsonProcessingException e) {
            throw new TufException("invalid", name + " is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new TufException("invalid", "cannot read " + name + ": " + e.getMessage(), e);
        }
    }

    /** The file form of metadata: canonical bytes too, so the hashes in snapshot and timestamp are stable. */
    public static byte[] file(JsonNode envelope) {
        return canonical(envelope);
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    public static String time(Instant instant) {
        return TIME.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    public static Instant time(String text, String where) {
        try {
            if (!text.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ")) {
                throw new DateTimeParseException("not YYYY-MM-DDTHH:MM:SSZ", text, 0);
            }
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new TufException("invalid", where + ": expires \"" + text + "\" is not YYYY-MM-DDTHH:MM:SSZ", e);
        }
    }
}
