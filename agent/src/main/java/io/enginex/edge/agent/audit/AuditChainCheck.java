package io.enginex.edge.agent.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Checks the hash chain of the local audit log ({@link LineHash}) in a state folder: the rotated
 * files, oldest first, then {@code audit.jsonl}, line by line, stopping at the first broken line.
 * A line is broken when it was edited (its hash does not match), when the line before it is not the
 * one it was chained to (lines deleted, inserted or reordered), or when it has no hash although the
 * chain had begun (added by hand). Lines from before the chain began (an older agent) are counted,
 * not checked. A line cut off by a crash (not complete JSON) is reported as truncated, not as
 * tampering: the line after it chains to the line before it.
 */
public final class AuditChainCheck {
    private static final Pattern ROTATED = Pattern.compile(Pattern.quote(AuditLog.FILE) + "\\.(\\d+)");

    private final ObjectMapper mapper;

    public AuditChainCheck(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** A place in the log: file name and 1-based line number. */
    public record Place(String file, int line) {
        @Override
        public String toString() {
            return "line " + line + " of " + file;
        }
    }

    /**
     * The first broken line.
     *
     * @param at the line's {@code at} field, or null
     * @param problem what differs, for a person
     */
    public record Break(Place place, String at, String problem) {}

    /**
     * What {@link #verify} found.
     *
     * @param lines chained lines that verified
     * @param unchained lines from before the chain began
     * @param truncated lines cut off by a crash (not checked)
     * @param firstBreak the first broken line, or null when the chain verifies
     */
    public record Report(long lines, long unchained, List<Place> truncated, Break firstBreak) {
        public boolean verified() {
            return firstBreak == null;
        }
    }

    /** Checks the audit log in {@code stateDir}; a folder without one verifies with 0 lines. */
    public Report verify(Path stateDir) throws IOException {
        List<Path> files = files(stateDir);
        long verified = 0;
        long unchained = 0;
        List<Place> truncated = new ArrayList<>();
        String previous = null;
        Place previousPlace = null;
        for (int f = 0; f < files.size(); f++) {
            Path file = files.get(f);
            String content = Files.readString(file, StandardCharsets.UTF_8);
            String[] lines = content.split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                String line = lines[i];
                if (line.isEmpty()) {
                    continue;
                }
                Place place = new Place(file.getFileName().toString(), i + 1);
                JsonNode json = parse(line);
                if (json == null) {
                    truncated.add(place);
                    continue;
                }
                LineHash.Parsed parsed = LineHash.parse(line);
                if (parsed == null) {
                    if (previous == null) {
                        unchained++;
                        continue;
                    }
                    return new Report(
                            verified,
                            unchained,
                            truncated,
                            broken(
                                    place,
                                    json,
                                    "it has no hash although" + " the chain began before it: it was added by hand"));
                }
                if (!LineHash.sha256(parsed.body()).equals(parsed.hash())) {
                    return new Report(
                            verified,
                            unchained,
                            truncated,
                            broken(place, json, "it does not match its hash:" + " it was edited after it was written"));
                }
                boolean firstOfOldest = previous == null && f == 0;
                boolean rotatedAway =
                        firstOfOldest && !file.getFileName().toString().equals(AuditLog.FILE);
                String expected = previous == null ? LineHash.GENESIS : previous;
                if (!expected.equals(parsed.prev()) && !rotatedAway) {
                    return new Report(
                            verified,
                            unchained,
                            truncated,
                            broken(
                                    place,
                                    json,
                                    "it was chained after a line with hash " + abbrev(parsed.prev())
                                            + ", but the line before it ("
                                            + (previousPlace == null
                                                    ? "none: it is the first"
                                                    : previousPlace.toString())
                                            + ") has hash " + abbrev(expected)
                                            + ": lines before it were deleted, inserted or reordered"));
                }
                previous = parsed.hash();
                previousPlace = place;
                verified++;
            }
        }
        return new Report(verified, unchained, truncated, null);
    }

    private JsonNode parse(String line) {
        try {
            JsonNode node = mapper.readTree(line);
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static Break broken(Place place, JsonNode json, String problem) {
        String at = json.path("at").isTextual() ? json.path("at").asText() : null;
        return new Break(place, at, problem);
    }

    /** The rotated files, oldest (highest number) first, then the current one; only those that exist. */
    static List<Path> files(Path stateDir) throws IOException {
        List<Integer> numbers = new ArrayList<>();
        if (Files.isDirectory(stateDir)) {
            try (var list = Files.list(stateDir)) {
                list.forEach(p -> {
                    var m = ROTATED.matcher(p.getFileName().toString());
                    if (m.matches()) {
                        numbers.add(Integer.parseInt(m.group(1)));
                    }
                });
            }
        }
        numbers.sort((a, b) -> Integer.compare(b, a));
        List<Path> files = new ArrayList<>();
        numbers.forEach(n -> files.add(stateDir.resolve(AuditLog.FILE + "." + n)));
        Path current = stateDir.resolve(AuditLog.FILE);
        if (Files.exists(current)) {
            files.add(current);
        }
        return files;
    }

    private static String abbrev(String hash) {
        return hash == null ? "none" : hash.substring(0, Math.min(12, hash.length())) + "…";
    }
}
