package io.enginex.edge.agent.testing;

import io.enginex.edge.agent.graph.Sleeper;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Does not sleep: records each delay and moves the {@link FakeClock} on by it. */
public final class RecordingSleeper implements Sleeper {
    private final FakeClock clock;
    private final List<Duration> delays = new CopyOnWriteArrayList<>();

    public RecordingSleeper(FakeClock clock) {
        this.clock = clock;
    }

    @Override
    public void sleep(Duration delay) {
        delays.add(delay);
        clock.advance(delay);
    }

    public List<Duration> delays() {
        return List.copyOf(delays);
    }
}
