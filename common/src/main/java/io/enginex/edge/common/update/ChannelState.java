package io.enginex.edge.common.update;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.common.tuf.TufJson;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A release channel as the TUF target {@code channels/<name>.json} says it (signed by the targets role
 * like every target):
 *
 * <pre>{@code {"channel":"stable","version":"1.4.0","percent":25,"rings":[5,25],"paused":false,
 *  "history":["1.3.0","1.4.0"],"withdrawn":["1.3.5"]}}</pre>
 *
 * @param version the version agents on this channel should run, or null before the first publish
 * @param percent how much of the channel's agents install {@code version} yet (the rollout's ring: each
 *     agent has a fixed bucket 0–99 from its id and installs once {@code percent} passes it; 100 = all,
 *     a small number = a canary ring). Older files without it mean 100.
 * @param rings the rollout's rings so far for {@code version}, ascending, the last being {@code percent}:
 *     ring 1 is buckets 0 to {@code rings[0]} − 1, ring n the buckets from {@code rings[n-2]} to {@code
 *     rings[n-1]} − 1 ({@code publish --percent 5} then {@code promote --percent 25} makes {@code [5,25]}).
 *     Older files without it mean one ring, {@code [percent]}.
 * @param paused whether agents hold their current version (an admin's pause)
 * @param history versions the channel has pointed at, oldest first (where {@code rollback} goes back to)
 * @param withdrawn versions taken back by {@code rollback}: agents refuse them, and an agent running one
 *     may go back to {@code version}, the only downgrade an agent makes
 * @param halt the hub's last automatic halt of this channel, or null: in effect while the channel is
 *     paused and still at the halted version ({@link #activeHalt}); kept after an admin's resume, so the
 *     hub does not halt the same ring of the same release again
 */
public record ChannelState(
        String channel,
        String version,
        int percent,
        List<Integer> rings,
        boolean paused,
        List<String> history,
        List<String> withdrawn,
        Halt halt) {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,31}");

    public ChannelState {
        checkName(channel);
        checkPercent(percent);
        rings = validRings(rings, percent) ? List.copyOf(rings) : List.of(percent);
        history = List.copyOf(history);
        withdrawn = List.copyOf(withdrawn);
    }

    /** A channel whose version went out in one ring. */
    public ChannelState(
            String channel, String version, int percent, boolean paused, List<String> history, List<String> withdrawn) {
        this(channel, version, percent, List.of(percent), paused, history, withdrawn, null);
    }

    /**
     * The hub halted the rollout of {@code version} (paused the channel) because the failure rate of
     * {@code ring} passed the channel's threshold.
     *
     * @param reason printable ASCII (the channel file is canonical JSON of ASCII only); anything else is
     *     replaced by {@code ?}, and it is cut at 500 characters
     */
    public record Halt(String version, int ring, String reason, Instant at) {
        public Halt {
            Objects.requireNonNull(version, "halt.version");
            Objects.requireNonNull(at, "halt.at");
            StringBuilder ascii = new StringBuilder();
            for (char c : reason.toCharArray()) {
                ascii.append(c >= 0x20 && c < 0x7f ? c : '?');
            }
            reason = ascii.length() > 500 ? ascii.substring(0, 500) : ascii.toString();
            at = at.truncatedTo(ChronoUnit.SECONDS);
        }
    }

    /** The automatic halt in effect: the channel is paused at the version the hub halted. */
    public Halt activeHalt() {
        return paused && halt != null && halt.version().equals(version) ? halt : null;
    }

    /** Paused by the hub's automatic halt {@code h}. */
    public ChannelState halted(Halt h) {
        return new ChannelState(channel, version, percent, rings, true, history, withdrawn, h);
    }

    private static boolean validRings(List<Integer> rings, int percent) {
        if (rings == null || rings.isEmpty() || rings.getLast() != percent) {
            return false;
        }
        int before = 0;
        for (Integer r : rings) {
            if (r == null || r <= before || r > 100) {
                return false;
            }
            before = r;
        }
        return true;
    }

    /** A ring of the rollout: its number (1 = the first, the canary), and the buckets it covers. */
    public record Ring(int number, int fromBucket, int toBucket) {
        /** E.g. {@code ring 2 (buckets 5-24)}. */
        public String describe() {
            return "ring " + number + " (buckets " + fromBucket + "-" + (toBucket - 1) + ")";
        }
    }

    /** The rollout's rings for {@code version}, in order; the buckets {@code toBucket} and over have not been reached. */
    public List<Ring> ringList() {
        List<Ring> out = new ArrayList<>();
        int from = 0;
        for (int to : rings) {
            out.add(new Ring(out.size() + 1, from, to));
            from = to;
        }
        return List.copyOf(out);
    }

    public static String checkName(String channel) {
        if (channel == null || !NAME.matcher(channel).matches()) {
            throw new IllegalArgumentException(
                    "channel \"" + channel
                            + "\" is not a channel name: lower-case letters, digits and '-', starting with a letter (e.g. stable)");
        }
        return channel;
    }

    public static int checkPercent(int percent) {
        if (percent < 1 || percent > 100) {
            throw new IllegalArgumentException("a rollout percent is 1 to 100, not " + percent);
        }
        return percent;
    }

    public static ChannelState empty(String channel) {
        return new ChannelState(channel, null, 100, false, List.of(), List.of());
    }

    /** The target name of a channel's state file. */
    public static String targetName(String channel) {
        return "channels/" + checkName(channel) + ".json";
    }

    /**
     * Points the channel at {@code newVersion} for {@code newPercent} of its agents: a new version starts
     * its rings over, the current version's rollout gains a ring.
     */
    public ChannelState pointedAt(String newVersion, int newPercent) {
        List<String> h = new ArrayList<>(history);
        h.remove(newVersion);
        h.add(newVersion);
        List<String> w = new ArrayList<>(withdrawn);
        w.remove(newVersion);
        List<Integer> r = new ArrayList<>();
        if (newVersion.equals(version) && newPercent > percent) {
            r.addAll(rings);
        }
        r.add(newPercent);
        return new ChannelState(channel, newVersion, newPercent, r, paused, h, w, halt);
    }

    public ChannelState paused(boolean pause) {
        return new ChannelState(channel, version, percent, rings, pause, history, withdrawn, halt);
    }

    public ChannelState rolledBackTo(String previous) {
        List<String> w = new ArrayList<>(withdrawn);
        if (version != null && !w.contains(version)) {
            w.add(version);
        }
        List<String> h = new ArrayList<>(history);
        h.remove(version);
        return new ChannelState(channel, previous, 100, List.of(100), paused, h, w, halt);
    }

    public ObjectNode toJson() {
        ObjectNode node = TufJson.MAPPER.createObjectNode();
        node.put("channel", channel);
        if (version == null) {
            node.putNull("version");
        } else {
            node.put("version", version);
        }
        node.put("percent", percent);
        var r = node.putArray("rings");
        rings.forEach(r::add);
        node.put("paused", paused);
        var h = node.putArray("history");
        history.forEach(h::add);
        var w = node.putArray("withdrawn");
        withdrawn.forEach(w::add);
        if (halt != null) {
            node.putObject("halt")
                    .put("version", halt.version())
                    .put("ring", halt.ring())
                    .put("reason", halt.reason())
                    .put("at", TufJson.time(halt.at()));
        }
        return node;
    }

    public static ChannelState fromJson(JsonNode node) {
        List<String> history = new ArrayList<>();
        node.path("history").forEach(v -> history.add(v.asText()));
        List<String> withdrawn = new ArrayList<>();
        node.path("withdrawn").forEach(v -> withdrawn.add(v.asText()));
        List<Integer> rings = new ArrayList<>();
        node.path("rings").forEach(v -> rings.add(v.asInt()));
        String version = node.path("version").isTextual() ? node.path("version").asText() : null;
        if (version != null && !ReleaseVersion.valid(version)) {
            throw new IllegalArgumentException(
                    "channel file names version \"" + version + "\", which is not a version");
        }
        JsonNode h = node.path("halt");
        Halt halt = h.path("version").isTextual()
                ? new Halt(
                        h.path("version").asText(),
                        h.path("ring").asInt(),
                        h.path("reason").asText(),
                        TufJson.time(h.path("at").asText(), "channel halt"))
                : null;
        return new ChannelState(
                node.path("channel").asText(),
                version,
                node.path("percent").asInt(100),
                rings,
                node.path("paused").asBoolean(),
                history,
                withdrawn,
                halt);
    }
}
