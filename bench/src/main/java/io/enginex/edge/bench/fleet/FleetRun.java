package io.enginex.edge.bench.fleet;

import static io.enginex.edge.e2e.support.HubApi.expect;

import io.enginex.edge.bench.Rss;
import io.enginex.edge.e2e.support.HubApi;
import io.enginex.edge.e2e.support.HubProcess;
import io.enginex.edge.e2e.support.PinnedTrust;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * The set-up every fleet run shares: a scratch database when asked, a real hub (or several nodes on
 * the scratch database, sharing the first node's secret, platform key and certificate as an operator
 * copies them), a tenant with registration tokens for the whole fleet, a session for jobs, and the
 * fleet registered and connected (agent i through node i mod N).
 * The driver thread owns it; {@link #close} stops everything it started, the database last.
 */
public final class FleetRun implements AutoCloseable {
    static final String TENANT = "bench";
    /** The hub's bounds for one registration token. */
    private static final int MAX_USES = 10_000;

    private final ScratchDatabase database;
    private final List<BenchHub> hubs;
    private final SSLContext tls;
    private final Fleet fleet;
    private final String session;
    private final Duration registerTime;
    private final Duration connectTime;
    private final boolean allConnected;
    private final long rssBeforeKb;

    private FleetRun(
            ScratchDatabase database,
            List<BenchHub> hubs,
            SSLContext tls,
            Fleet fleet,
            String session,
            Duration registerTime,
            Duration connectTime,
            boolean allConnected,
            long rssBeforeKb) {
        this.database = database;
        this.hubs = List.copyOf(hubs);
        this.tls = tls;
        this.fleet = fleet;
        this.session = session;
        this.registerTime = registerTime;
        this.connectTime = connectTime;
        this.allConnected = allConnected;
        this.rssBeforeKb = rssBeforeKb;
    }

    /**
     * Starts the hub and connects the fleet (registration 16 at a time, first connects at the
     * options' rate, 256 in flight). Gives up waiting for the connects after {@code connectTimeout};
     * {@link #allConnected()} then says so.
     */
    public static FleetRun start(FleetOptions o, Path dataDir, Path logs, Duration connectTimeout)
            throws InterruptedException {
        ScratchDatabase database = o.db().equals("postgres") ? ScratchDatabase.create("fleetbench") : null;
        List<BenchHub> hubs = new ArrayList<>();
        Fleet fleet = null;
        try {
            List<String> args = new ArrayList<>(List.of("--heartbeat", o.heartbeat()));
            if (database != null) {
                args.addAll(List.of("--db-url", database.url(), "--db-user", ScratchDatabase.USER));
            }
            if (o.maxConcurrentJobs() > 0) {
                args.addAll(List.of("--max-concurrent-jobs", Integer.toString(o.maxConcurrentJobs())));
            }
            System.out.printf(
                    "==> starting %s (%s, -Xmx%s, heartbeat %s)%n",
                    o.nodes() == 1 ? "the hub" : o.nodes() + " hub nodes", o.db(), o.hubHeap(), o.heartbeat());
            for (int n = 1; n <= o.nodes(); n++) {
                List<String> nodeArgs = new ArrayList<>(args);
                if (o.nodes() > 1) {
                    nodeArgs.addAll(List.of("--node-name", "bench-" + n));
                }
                Path dir = n == 1 ? dataDir : dataDir.resolveSibling(dataDir.getFileName() + "-" + n);
                if (n > 1) {
                    HubProcess.shareClusterFiles(dataDir, dir);
                }
                hubs.add(BenchHub.start(dir, logs, o.hubHeap(), nodeArgs));
            }
            BenchHub hub = hubs.getFirst();
            HubApi api = new HubApi(hub.url(), hub.fingerprint(), hub.adminKey());
            api.createTenant(TENANT);
            List<String> tokens = new ArrayList<>();
            for (int left = o.agents(); left > 0; left -= MAX_USES) {
                HubApi.Response r = api.post(
                        "/api/v1/tenants/" + TENANT + "/registration-tokens",
                        Map.of("ttlSeconds", 3600, "maxUses", Math.min(left, MAX_USES), "ratePerMinute", 100_000));
                tokens.add(expect(201, r).body().path("token").asText());
            }
            String session = api.createSession(TENANT, "fleet");
            long rssBefore = Rss.kilobytes(hub.pid());
            SSLContext tls = PinnedTrust.sslContext(hub.fingerprint());
            fleet = Fleet.start(
                    hubs.stream().map(h -> URI.create(h.url())).toList(),
                    hubs.stream().map(h -> URI.create(h.agentSocketUrl())).toList(),
                    tls,
                    o.agents(),
                    o.addresses(),
                    o.ack());

            System.out.printf("==> registering %,d agents from %d addresses%n", o.agents(), o.addresses());
            long t0 = System.nanoTime();
            fleet.registerAll(tokens, MAX_USES, 16);
            Duration registered = Duration.ofNanos(System.nanoTime() - t0);

            System.out.printf("==> connecting them, %d/s%n", o.connectRate());
            long t1 = System.nanoTime();
            fleet.connectAll(o.connectRate(), 256);
            Fleet finalFleet = fleet;
            boolean all = Fleet.await(() -> finalFleet.connected() >= finalFleet.size(), connectTimeout);
            Duration connected = Duration.ofNanos(System.nanoTime() - t1);
            return new FleetRun(database, hubs, tls, fleet, session, registered, connected, all, rssBefore);
        } catch (RuntimeException | InterruptedException e) {
            if (fleet != null) {
                fleet.close();
            }
            hubs.forEach(BenchHub::close);
            if (database != null) {
                database.close();
            }
            throw e;
        }
    }

    /** The first node (the only one unless {@code --nodes}). */
    public BenchHub hub() {
        return hubs.getFirst();
    }

    public List<BenchHub> hubs() {
        return hubs;
    }

    /** CPU seconds the hub nodes have used so far, all of them together. */
    public double hubCpuSeconds() {
        double sum = 0;
        for (BenchHub h : hubs) {
            sum += io.enginex.edge.bench.fleet.ProcCpu.seconds(h.pid());
        }
        return sum;
    }

    /** The RSS of every hub node together, in KiB. */
    public long hubRssKb() {
        long sum = 0;
        for (BenchHub h : hubs) {
            sum += Rss.kilobytes(h.pid());
        }
        return sum;
    }

    /** A REST client for jobs in the run's session through each node, in order. */
    public List<JobClient> jobClients() {
        return hubs.stream()
                .map(h -> new JobClient(h.url(), tls, h.adminKey(), TENANT, session, false))
                .toList();
    }

    Fleet fleet() {
        return fleet;
    }

    public int connected() {
        return fleet.connected();
    }

    public List<String> agentIds() {
        return fleet.agentIds();
    }

    /** A REST client for jobs in the run's session, with the platform admin key. */
    public JobClient jobClient() {
        return new JobClient(hub().url(), tls, hub().adminKey(), TENANT, session, false);
    }

    /** How {@code o} says jobs go: one runtime channel, or REST (shedding for the overload scenario). */
    public JobRunner jobRunner(FleetOptions o) {
        if (o.via().equals("channel")) {
            return new ChannelClient(hub().url(), tls, hub().adminKey(), TENANT, session);
        }
        if (hubs.size() > 1) {
            List<JobClient> clients = jobClients();
            java.util.concurrent.atomic.AtomicLong next = new java.util.concurrent.atomic.AtomicLong();
            // Job k through node k mod N: with N nodes, (N-1)/N of the jobs cross to another node's agent.
            return (agentId, key, deadline) ->
                    clients.get((int) (next.getAndIncrement() % clients.size())).run(agentId, key, deadline);
        }
        return o.scenario().equals("overload") ? sheddingJobClient() : jobClient();
    }

    /** {@link #jobClient()}, but a create the hub sheds as overloaded ends the job instead of retrying. */
    public JobClient sheddingJobClient() {
        return new JobClient(hub().url(), tls, hub().adminKey(), TENANT, session, true);
    }

    public Duration registerTime() {
        return registerTime;
    }

    public Duration connectTime() {
        return connectTime;
    }

    /** The hub's RSS before any agent registered, in KiB. */
    public long rssBeforeKb() {
        return rssBeforeKb;
    }

    public boolean allConnected() {
        return allConnected;
    }

    @Override
    public void close() {
        fleet.close();
        hubs.forEach(BenchHub::close);
        if (database != null) {
            database.close();
        }
    }
}
