package io.enginex.edge.bench.fleet;

import static io.enginex.edge.e2e.support.HubApi.expect;

import io.enginex.edge.bench.Rss;
import io.enginex.edge.e2e.support.HubApi;
import io.enginex.edge.e2e.support.PinnedTrust;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * The set-up every fleet run shares: a scratch database when asked, a real hub, a tenant with
 * registration tokens for the whole fleet, a session for jobs, and the fleet registered and connected.
 * The driver thread owns it; {@link #close} stops everything it started, the database last.
 */
public final class FleetRun implements AutoCloseable {
    static final String TENANT = "bench";
    /** The hub's bounds for one registration token. */
    private static final int MAX_USES = 10_000;

    private final ScratchDatabase database;
    private final BenchHub hub;
    private final SSLContext tls;
    private final Fleet fleet;
    private final String session;
    private final Duration registerTime;
    private final Duration connectTime;
    private final boolean allConnected;
    private final long rssBeforeKb;

    private FleetRun(
            ScratchDatabase database,
            BenchHub hub,
            SSLContext tls,
            Fleet fleet,
            String session,
            Duration registerTime,
            Duration connectTime,
            boolean allConnected,
            long rssBeforeKb) {
        this.database = database;
        this.hub = hub;
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
        BenchHub hub = null;
        Fleet fleet = null;
        try {
            List<String> args = new ArrayList<>(List.of("--heartbeat", o.heartbeat()));
            if (database != null) {
                args.addAll(List.of("--db-url", database.url(), "--db-user", ScratchDatabase.USER));
            }
            if (o.maxConcurrentJobs() > 0) {
                args.addAll(List.of("--max-concurrent-jobs", Integer.toString(o.maxConcurrentJobs())));
            }
            System.out.printf("==> starting the hub (%s, -Xmx%s, heartbeat %s)%n", o.db(), o.hubHeap(), o.heartbeat());
            hub = BenchHub.start(dataDir, logs, o.hubHeap(), args);
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
                    URI.create(hub.url()), URI.create(hub.agentSocketUrl()), tls, o.agents(), o.addresses(), o.ack());

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
            return new FleetRun(database, hub, tls, fleet, session, registered, connected, all, rssBefore);
        } catch (RuntimeException | InterruptedException e) {
            if (fleet != null) {
                fleet.close();
            }
            if (hub != null) {
                hub.close();
            }
            if (database != null) {
                database.close();
            }
            throw e;
        }
    }

    public BenchHub hub() {
        return hub;
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
        return new JobClient(hub.url(), tls, hub.adminKey(), TENANT, session, false);
    }

    /** How {@code o} says jobs go: one runtime channel, or REST (shedding for the overload scenario). */
    public JobRunner jobRunner(FleetOptions o) {
        if (o.via().equals("channel")) {
            return new ChannelClient(hub.url(), tls, hub.adminKey(), TENANT, session);
        }
        return o.scenario().equals("overload") ? sheddingJobClient() : jobClient();
    }

    /** {@link #jobClient()}, but a create the hub sheds as overloaded ends the job instead of retrying. */
    public JobClient sheddingJobClient() {
        return new JobClient(hub.url(), tls, hub.adminKey(), TENANT, session, true);
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
        hub.close();
        if (database != null) {
            database.close();
        }
    }
}
