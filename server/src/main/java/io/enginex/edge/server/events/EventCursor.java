package io.enginex.edge.server.events;

import io.enginex.edge.server.HubException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

/**
 * A position in a tenant's job events: for each audit chain (one per hub node, plus the tenant's
 * first chain, named {@value #FIRST_CHAIN}) the last link read, and when the position was handed
 * out. Each chain is appended in commit order under its head row's lock, so "every link after seq
 * n" is exactly what a reader at n has not seen, on any node. Written as an SSE {@code id} and read
 * back from {@code Last-Event-ID}: {@code v1.} then base64url of {@code <epoch-millis>;<chain>=<seq>;…}
 * (each chain's name URL-encoded, so any node name fits).
 * Immutable.
 *
 * @param issuedAt when the position was handed out; a client may resume from it for {@link
 *     JobEvents#REPLAY_WINDOW}
 * @param seqs the last seq read per chain; a chain not named is read from its start
 */
public record EventCursor(Instant issuedAt, Map<String, Long> seqs) {
    /** The tenant's first chain (from before the chains were per node), whose node name is null. */
    public static final String FIRST_CHAIN = "-";

    private static final String VERSION = "v1.";
    private static final int MAX_TEXT = 4096;

    public EventCursor {
        seqs = Map.copyOf(seqs);
    }

    /** The seq last read of {@code chain} (null: the first chain); 0 when none was. */
    public long seq(String chain) {
        return seqs.getOrDefault(key(chain), 0L);
    }

    /** This cursor with {@code chain} read up to {@code seq}. */
    public EventCursor with(String chain, long seq) {
        Map<String, Long> next = new TreeMap<>(seqs);
        next.put(key(chain), seq);
        return new EventCursor(issuedAt, next);
    }

    /** This cursor handed out again at {@code now}. */
    public EventCursor issuedAt(Instant now) {
        return new EventCursor(now, seqs);
    }

    /** The text sent as an event's {@code id}: no spaces, line breaks or colons. */
    public String encode() {
        StringBuilder text = new StringBuilder().append(issuedAt.toEpochMilli());
        new TreeMap<>(seqs)
                .forEach((chain, seq) -> text.append(';')
                        .append(URLEncoder.encode(chain, StandardCharsets.UTF_8))
                        .append('=')
                        .append(seq));
        return VERSION
                + Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(text.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Reads {@link #encode()}'s text.
     *
     * @throws HubException.BadRequest {@code bad_last_event_id} for anything this hub did not write
     */
    public static EventCursor decode(String id) {
        if (id == null || id.length() > MAX_TEXT || !id.startsWith(VERSION)) {
            throw bad();
        }
        try {
            String text =
                    new String(Base64.getUrlDecoder().decode(id.substring(VERSION.length())), StandardCharsets.UTF_8);
            String[] parts = text.split(";", -1);
            Instant issuedAt = Instant.ofEpochMilli(Long.parseLong(parts[0]));
            Map<String, Long> seqs = new TreeMap<>();
            for (int i = 1; i < parts.length; i++) {
                int eq = parts[i].lastIndexOf('=');
                long seq = Long.parseLong(parts[i].substring(eq + 1));
                if (eq <= 0 || seq < 0) {
                    throw bad();
                }
                seqs.put(URLDecoder.decode(parts[i].substring(0, eq), StandardCharsets.UTF_8), seq);
            }
            return new EventCursor(issuedAt, seqs);
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw bad();
        }
    }

    private static String key(String chain) {
        return chain == null ? FIRST_CHAIN : chain;
    }

    /** The chain a key names (null: the first chain). */
    static String chainOf(String key) {
        return FIRST_CHAIN.equals(key) ? null : key;
    }

    /** The refusal of an id this hub did not send. */
    static HubException.BadRequest bad() {
        return new HubException.BadRequest(
                "bad_last_event_id",
                "Last-Event-ID is not an event id this hub sent; reconnect without it (you get events from now on)"
                        + " and read the jobs you care about with GET /api/v1/tenants/{t}/jobs/{id}");
    }
}
