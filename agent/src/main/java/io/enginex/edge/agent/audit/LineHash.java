package io.enginex.edge.agent.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a line of {@code audit.jsonl} is chained: the JSON object ends with {@code "prev"} (the hash
 * of the line before, 64 zeros for the first line of a chain) and then {@code "hash"}, the SHA-256
 * (lower-case hex) of the line's exact text before {@code ,"hash":}. Hashing the written bytes
 * rather than a re-serialisation means the check never depends on how JSON is formatted.
 *
 * <pre>{"at":"…","jobId":"job_…",…,"prev":"9f2c…","hash":"41ab…"}</pre>
 */
final class LineHash {
    static final String GENESIS = "0".repeat(64);
    private static final Pattern TAIL = Pattern.compile(",\"hash\":\"([0-9a-f]{64})\"}$");
    private static final Pattern PREV = Pattern.compile(",\"prev\":\"([0-9a-f]{64})\"$");

    private LineHash() {}

    /** The parts of a chained line, or null when {@code line} has no (well-formed) hash. */
    record Parsed(String body, String prev, String hash) {}

    /** {@code body} (a JSON object without its closing brace, ending in "prev") completed with its hash. */
    static String complete(String body) {
        return body + ",\"hash\":\"" + sha256(body) + "\"}";
    }

    static Parsed parse(String line) {
        Matcher tail = TAIL.matcher(line);
        if (!tail.find()) {
            return null;
        }
        String body = line.substring(0, tail.start());
        Matcher prev = PREV.matcher(body);
        return new Parsed(body, prev.find() ? prev.group(1) : null, tail.group(1));
    }

    static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }
}
