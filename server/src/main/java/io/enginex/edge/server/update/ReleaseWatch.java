package io.enginex.edge.server.update;

import io.enginex.edge.common.update.ChannelState;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches this node's update repository (a timer task, every few seconds, on every node) and announces
 * each channel whose release changed in a way an agent acts on: another version (a publish, a promote,
 * a rollback), a wider ring, or a resume. Pauses, halts and unchanged channels are not announced; the
 * first look after start only takes note. Every node watches its own copy, because its agents fetch from
 * it: a node learns of a release when its copy has it (at once with shared storage, when the copy arrives
 * otherwise), never before. Never throws; not thread-safe (one timer thread).
 */
public final class ReleaseWatch implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(ReleaseWatch.class);

    /** How often each node looks at its repository. */
    public static final Duration INTERVAL = Duration.ofSeconds(2);

    private final UpdateRepository repository;
    private final BiConsumer<String, String> announce;
    private Map<String, ChannelState> seen;

    /** @param announce called with a channel and its version for each change agents should act on */
    public ReleaseWatch(UpdateRepository repository, BiConsumer<String, String> announce) {
        this.repository = repository;
        this.announce = announce;
    }

    @Override
    public void run() {
        try {
            List<ChannelState> now = repository.channelsIfAny();
            Map<String, ChannelState> next = new HashMap<>();
            now.forEach(c -> next.put(c.channel(), c));
            if (seen != null) {
                for (ChannelState c : now) {
                    if (c.version() != null && !c.paused() && actOn(seen.get(c.channel()), c)) {
                        announce.accept(c.channel(), c.version());
                    }
                }
            }
            seen = next;
        } catch (RuntimeException e) {
            log.atWarn().log("watching the update repository failed ({}); trying again at the next look", e.toString());
        }
    }

    private static boolean actOn(ChannelState before, ChannelState now) {
        return before == null
                || !now.version().equals(before.version())
                || now.percent() > before.percent()
                || before.paused();
    }
}
