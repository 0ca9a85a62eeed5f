package io.enginex.edge.bench.fleet;

import io.enginex.edge.protocol.MessageCodec;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;

/**
 * N simulated agents spread round-robin over {@code addresses} loopback source addresses (127.0.0.1,
 * 127.0.0.2, …), and the loop that keeps each connected: first connects follow a fixed schedule at
 * {@code connectRate} per second; after a disconnect each agent reconnects on its own, after the delay
 * its restart notice or backoff says, as real agents do.
 *
 * <p>Lifecycle: {@link #start}, {@link #registerAll}, {@link #connectAll}, then {@link #close}. The
 * counters are safe to read from any thread.
 */
final class Fleet implements AutoCloseable {
    // Agent i registers and connects through node i mod N.
    private final List<URI> hubs;
    private final List<URI> sockets;
    private final boolean ack;
    private final List<SourceAddress> sources = new ArrayList<>();
    private final List<SimulatedAgent> agents = new ArrayList<>();
    private final QueuedThreadPool pool;
    private final ScheduledExecutorScheduler jettyScheduler;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService attempts = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicInteger connected = new AtomicInteger();
    private final LongAdder dispatched = new LongAdder();
    private final LongAdder rateLimited = new LongAdder();
    private final AtomicLong refusals = new AtomicLong();
    private final Map<String, LongAdder> refusalReasons = new ConcurrentHashMap<>();
    private final Map<Integer, LongAdder> closeCodes = new ConcurrentHashMap<>();
    private volatile boolean running = true;

    private Fleet(List<URI> hubs, List<URI> sockets, boolean ack) {
        this.hubs = List.copyOf(hubs);
        this.sockets = List.copyOf(sockets);
        this.ack = ack;
        this.pool = new QueuedThreadPool(64, 8);
        this.pool.setName("fleet-io");
        this.jettyScheduler = new ScheduledExecutorScheduler("fleet-jetty", true);
        this.scheduler = Executors.newScheduledThreadPool(
                2, Thread.ofPlatform().daemon().name("fleet-heartbeat-", 0).factory());
    }

    /**
     * Makes the clients of each source address and the agents' keys (no network yet).
     *
     * @param hubs each hub node's URL; agent i uses node i mod N
     * @param sockets each node's agent socket URL, in the same order
     */
    static Fleet start(List<URI> hubs, List<URI> sockets, SSLContext tls, int agents, int addresses, boolean ack) {
        Fleet fleet = new Fleet(hubs, sockets, ack);
        try {
            fleet.pool.start();
            fleet.jettyScheduler.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the fleet's threads", e);
        }
        for (int a = 0; a < addresses; a++) {
            fleet.sources.add(SourceAddress.start(loopback(a), tls, fleet.pool, fleet.jettyScheduler));
        }
        SecureRandom random = new SecureRandom();
        MessageCodec codec = new MessageCodec();
        for (int i = 0; i < agents; i++) {
            fleet.agents.add(
                    new SimulatedAgent(i, fleet.sources.get(i % addresses), AgentKey.generate(random), fleet, codec));
        }
        return fleet;
    }

    /** 127.0.0.(a+1); all of 127.0.0.0/8 reaches the loopback interface on Linux. */
    static InetAddress loopback(int a) {
        if (a < 0 || a > 253) {
            throw new IllegalArgumentException("at most 254 source addresses (127.0.0.1–127.0.0.254); got " + (a + 1));
        }
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) (a + 1)});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Registers every agent, {@code parallel} at a time, each token covering {@code perToken} agents
     * in order; blocks until all are registered.
     */
    void registerAll(List<String> tokens, int perToken, int parallel) throws InterruptedException {
        Semaphore slots = new Semaphore(parallel);
        List<Throwable> failures = new ArrayList<>();
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < agents.size(); i++) {
                SimulatedAgent agent = agents.get(i);
                String token = tokens.get(i / perToken);
                slots.acquire();
                ex.submit(() -> {
                    try {
                        agent.register(hubs.get(agent.index() % hubs.size()), token);
                    } catch (Exception e) {
                        synchronized (failures) {
                            failures.add(e);
                        }
                    } finally {
                        slots.release();
                    }
                    return null;
                });
            }
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException(
                    failures.size() + " agents could not register; the first: "
                            + failures.getFirst().getMessage(),
                    failures.getFirst());
        }
    }

    /**
     * Starts every agent's connection loop: agent i's first attempt at {@code i / connectRate} s
     * from now, at most {@code parallel} first attempts in flight. Returns at once.
     */
    void connectAll(int connectRate, int parallel) {
        Semaphore slots = new Semaphore(parallel);
        long start = System.nanoTime();
        long interval = TimeUnit.SECONDS.toNanos(1) / connectRate;
        Thread.ofVirtual().name("fleet-connect").start(() -> {
            for (int i = 0; i < agents.size() && running; i++) {
                SimulatedAgent agent = agents.get(i);
                long wait = start + i * interval - System.nanoTime();
                try {
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    slots.acquire();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                attempts.submit(() -> {
                    try {
                        keepConnecting(agent, slots);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return null;
                });
            }
        });
    }

    /** Attempts until one upgrade succeeds; the first success or failure releases {@code slot}. */
    private void keepConnecting(SimulatedAgent agent, Semaphore slot) throws InterruptedException {
        Semaphore held = slot;
        while (running) {
            int node = agent.index() % hubs.size();
            boolean ok = agent.connectOnce(hubs.get(node), sockets.get(node));
            if (held != null) {
                held.release();
                held = null;
            }
            if (ok) {
                return;
            }
            agent.failedAttempt();
            Thread.sleep(agent.nextDelay());
        }
    }

    // Callbacks from the agents.

    void welcomed(SimulatedAgent agent) {
        connected.incrementAndGet();
    }

    /** @param wasLive the socket had reached {@code welcome} */
    void disconnected(SimulatedAgent agent, int code, boolean wasLive) {
        closeCodes.computeIfAbsent(code, c -> new LongAdder()).increment();
        if (wasLive) {
            connected.decrementAndGet();
        }
        if (running) {
            attempts.submit(() -> {
                try {
                    Thread.sleep(agent.nextDelay());
                    keepConnecting(agent, null);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return null;
            });
        }
    }

    void dispatched() {
        dispatched.increment();
    }

    void rateLimited() {
        rateLimited.increment();
    }

    void refused(String why) {
        refusals.incrementAndGet();
        refusalReasons.computeIfAbsent(why, w -> new LongAdder()).increment();
    }

    boolean ack() {
        return ack;
    }

    ScheduledExecutorService scheduler() {
        return scheduler;
    }

    // What the driver reads.

    int size() {
        return agents.size();
    }

    int connected() {
        return connected.get();
    }

    /** Agents whose latest {@code welcome} came after {@code sinceNanos} and whose socket is open. */
    int welcomedSince(long sinceNanos) {
        int n = 0;
        for (SimulatedAgent a : agents) {
            if (a.connected() && a.welcomedAtNanos() - sinceNanos > 0) {
                n++;
            }
        }
        return n;
    }

    List<String> agentIds() {
        return agents.stream().map(SimulatedAgent::agentId).toList();
    }

    long dispatchedCount() {
        return dispatched.sum();
    }

    long rateLimitedCount() {
        return rateLimited.sum();
    }

    long refusalCount() {
        return refusals.get();
    }

    Map<String, Long> refusalReasons() {
        Map<String, Long> out = new java.util.TreeMap<>();
        refusalReasons.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    Map<Integer, Long> closeCodes() {
        Map<Integer, Long> out = new java.util.TreeMap<>();
        closeCodes.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** Waits until {@code condition} holds or {@code timeout} passes; returns whether it held. */
    static boolean await(java.util.function.BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    @Override
    public void close() {
        running = false;
        for (SimulatedAgent a : agents) {
            a.close();
        }
        attempts.shutdownNow();
        scheduler.shutdownNow();
        for (SourceAddress s : sources) {
            s.close();
        }
        try {
            jettyScheduler.stop();
            pool.stop();
        } catch (Exception e) {
            // End of the run.
        }
    }
}
