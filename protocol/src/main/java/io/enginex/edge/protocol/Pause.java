package io.enginex.edge.protocol;

import java.time.Instant;
import java.util.Objects;

/**
 * The person at the agent's machine paused its local actions: the agent refuses new jobs with
 * {@link ErrorCodes#AGENT_PAUSED} until they resume it. Travels in {@link Hello#pause()} and {@link
 * AgentState#pause()}.
 *
 * <pre>{@code
 * {"by":"alice","since":"2026-11-26T10:02:11Z"}
 * }</pre>
 *
 * @param by who paused it, as the agent knows them (the operating-system account that asked)
 * @param since when
 */
public record Pause(String by, Instant since) {
    /** At most this many characters of {@code by} travel; longer names are cut. */
    public static final int MAX_BY = 200;

    public Pause {
        Messages.requireText(by, "pause.by");
        Objects.requireNonNull(since, "pause.since is required");
        by = by.length() > MAX_BY ? by.substring(0, MAX_BY) : by;
    }
}
