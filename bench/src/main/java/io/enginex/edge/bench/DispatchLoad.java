package io.enginex.edge.bench;

import static io.enginex.edge.e2e.support.HubApi.expect;

import io.enginex.edge.e2e.support.AgentProcess;
import io.enginex.edge.e2e.support.HubApi;
import io.enginex.edge.e2e.support.HubProcess;
import io.enginex.edge.e2e.support.Jvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Load driver: dispatch round-trip latency through the real hub and a real agent, at a fixed rate.
 *
 * <p>One round trip is what the EngineX runtime does for a tool call: {@code POST …/jobs} and a
 * long-poll {@code GET …/jobs/{id}?wait=30} until the result is back. Requests start on a fixed
 * schedule (open model), and latency is measured from each request's <em>intended</em> start, so a
 * slow hub shows up as latency instead of quietly lowering the rate (no coordinated omission).
 *
 * <p>Also reports the agent's resident memory once connected and idle. Run with {@code bench/run
 * dispatch --rate 100 --seconds 30}; see docs/BENCHMARKS.md.
 */
public final class DispatchLoad {
    private DispatchLoad() {}

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        if (o == null) {
            System.out.println("""
                    usage: DispatchLoad [--rate N] [--seconds S] [--warmup S] [--tool NAME]
                      --rate     requests started per second, on a fixed schedule (default 100)
                      --seconds  measured duration (default 30)
                      --warmup   unmeasured warm-up before it at the same rate (default 10)
                      --tool     tool to call (default sys.ping: does nothing but answer)""");
            return;
        }
        Path tmp = Files.createTempDirectory("enginex-bench");
        Path logs = Jvm.freshLogs("dispatch-load");
        Path root = Files.createDirectories(tmp.resolve("files"));
        try (HubProcess hub = HubProcess.start(tmp.resolve("hub"), logs, "--heartbeat", "15s");
                AgentProcess agent = AgentProcess.of(tmp.resolve("agent"), root, logs)) {
            HubApi api = hub.api();
            api.createTenant("bench");
            int registered =
                    agent.register(hub, api.createRegistrationToken("bench")).exitCode();
            if (registered != 0) {
                throw new IllegalStateException("agent registration failed; see " + logs);
            }
            agent.run();
            String agentId = expect(200, api.get("/api/v1/tenants/bench/agents"))
                    .body()
                    .get(0)
                    .path("id")
                    .asText();
            String session = api.createSession("bench", "load");

            Thread.sleep(Duration.ofSeconds(5));
            long idleRssKb = Rss.kilobytes(agent.process().pid());
            long hubRssKb = Rss.kilobytes(hub.process().pid());

            System.out.printf("warm-up: %d s at %d/s%n", o.warmupSeconds, o.rate);
            run(api, session, agentId, o.tool, o.rate, o.warmupSeconds, new Recorder(3));
            System.out.printf("measuring: %d s at %d/s%n", o.seconds, o.rate);
            Recorder recorder = new Recorder(3);
            Result r = run(api, session, agentId, o.tool, o.rate, o.seconds, recorder);
            Histogram h = recorder.getIntervalHistogram();

            System.out.printf(
                    "%nDispatch round trip (POST job + long-poll result), tool %s, %d/s for %d s%n",
                    o.tool, o.rate, o.seconds);
            System.out.printf(
                    "  requests %d  ok %d  errors %d  achieved %.1f/s%n",
                    r.started, h.getTotalCount(), r.errors, h.getTotalCount() / (double) o.seconds);
            System.out.printf(
                    "  latency ms  p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f%n",
                    ms(h.getValueAtPercentile(50)),
                    ms(h.getValueAtPercentile(90)),
                    ms(h.getValueAtPercentile(99)),
                    ms(h.getValueAtPercentile(99.9)),
                    ms(h.getMaxValue()));
            System.out.printf("  agent RSS idle after connect: %.1f MiB%n", idleRssKb / 1024.0);
            System.out.printf("  hub RSS idle with one agent: %.1f MiB%n", hubRssKb / 1024.0);
        } finally {
            deleteTree(tmp);
        }
    }

    private record Result(long started, long errors) {}

    private static Result run(
            HubApi api, String session, String agentId, String tool, int rate, int seconds, Recorder recorder)
            throws InterruptedException {
        AtomicLong errors = new AtomicLong();
        long total = (long) rate * seconds;
        long intervalNanos = TimeUnit.SECONDS.toNanos(1) / rate;
        long start = System.nanoTime();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (long i = 0; i < total; i++) {
                long intended = start + i * intervalNanos;
                long wait = intended - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                executor.submit(() -> {
                    try {
                        var created = api.dispatch("bench", session, agentId, tool, Map.of());
                        String id = expect(201, created).body().path("id").asText();
                        var done = api.awaitJob("bench", id);
                        if (!"succeeded".equals(done.path("state").asText())) {
                            errors.incrementAndGet();
                            return;
                        }
                        recorder.recordValue(System.nanoTime() - intended);
                    } catch (RuntimeException | AssertionError e) {
                        errors.incrementAndGet();
                    }
                });
            }
        }
        return new Result(total, errors.get());
    }

    private static double ms(long nanos) {
        return nanos / 1_000_000.0;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private record Options(int rate, int seconds, int warmupSeconds, String tool) {
        static Options parse(String[] args) {
            int rate = 100;
            int seconds = 30;
            int warmup = 10;
            String tool = "sys.ping";
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--rate" -> rate = Integer.parseInt(args[++i]);
                    case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                    case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                    case "--tool" -> tool = args[++i];
                    case "--help", "-h" -> {
                        return null;
                    }
                    default -> throw new IllegalArgumentException("unknown option " + args[i] + "; see --help");
                }
            }
            if (rate < 1 || seconds < 1 || warmup < 0) {
                throw new IllegalArgumentException("--rate and --seconds must be at least 1, --warmup at least 0");
            }
            return new Options(rate, seconds, warmup, tool);
        }
    }
}
