package io.enginex.edge.bench.fleet;

import io.enginex.edge.e2e.support.HubApi;
import io.enginex.edge.e2e.support.Jvm;
import io.enginex.edge.e2e.support.PinnedTrust;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * What the fleet page costs at a large fleet (issue 21): a real hub process on a scratch PostgreSQL
 * database into which N agents of one tenant are written directly (SQL, no registration), then, as a
 * signed-in viewer would, the page's bytes and time for several views, the CSV export of the whole
 * fleet, and one live update: an agent on the page gets new labels through the API and the browser's
 * stream delivers that one row (bytes, and time from the API's answer to the event). Prints PostgreSQL's
 * plans of the page query for each sort. Run with {@code bench/run fleet-page [--agents 10000]
 * [--repeat 20]}; docs/BENCHMARKS.md has the numbers.
 */
public final class FleetPageBench {
    private static final String TENANT = "bench";
    private static final String EMAIL = "viewer@bench.example";
    private static final String PASSWORD = "violet harbour seven lanterns";

    private FleetPageBench() {}

    public static void main(String[] args) throws Exception {
        int agents = option(args, "--agents", 10_000);
        int repeat = option(args, "--repeat", 20);
        Path dir = Files.createTempDirectory("fleet-page-bench");
        try (ScratchDatabase db = ScratchDatabase.create("fleetpage");
                BenchHub hub = BenchHub.start(
                        dir.resolve("hub"),
                        Jvm.logs(),
                        "512m",
                        List.of("--db-url", db.url(), "--db-user", ScratchDatabase.USER))) {
            HubApi api = new HubApi(hub.url(), hub.fingerprint(), hub.adminKey());
            api.createTenant(TENANT);
            HubApi.expect(
                    201,
                    api.post(
                            "/api/v1/tenants/" + TENANT + "/users",
                            Map.of("email", EMAIL, "role", "owner", "password", PASSWORD)));
            seed(db.url(), agents);
            String cookie = login(api);
            HttpClient http = HttpClient.newBuilder()
                    .sslContext(PinnedTrust.sslContext(hub.fingerprint()))
                    .build();
            System.out.printf(
                    "fleet page at %,d agents of one tenant (PostgreSQL), %d requests per view%n", agents, repeat);
            for (String view : List.of(
                    "/ui/fleet",
                    "/ui/fleet?sort=last-seen&dir=desc",
                    "/ui/fleet?os=windows&sort=version",
                    "/ui/fleet?label=team-7",
                    "/ui/fleet?q=laptop-42",
                    "/ui/fleet?page=150",
                    "/ui/fleet?size=500")) {
                get(http, hub.url() + view, cookie, repeat, "page " + view);
            }
            get(http, hub.url() + "/ui/fleet.csv", cookie, Math.max(3, repeat / 4), "CSV /ui/fleet.csv (all)");
            liveUpdate(http, hub, api, cookie, repeat);
            explain(db.url());
        }
    }

    /** N agents: hostname laptop-N, one of three OSes and four versions, a team label, seen N seconds ago. */
    static void seed(String url, int n) throws SQLException {
        long started = System.nanoTime();
        try (Connection c = DriverManager.getConnection(url, ScratchDatabase.USER, "");
                Statement s = c.createStatement()) {
            s.execute("""
                    INSERT INTO agents (id, tenant_id, public_key, hostname, os, arch, agent_version, labels,
                        tools_json, created_at, last_seen_at)
                    SELECT 'agt_bench_' || g, '%s', 'bench-key', 'laptop-' || g,
                        (ARRAY['linux','windows','macos'])[1 + g %% 3], 'amd64',
                        (ARRAY['1.4.0','1.4.1','1.5.0','1.5.1'])[1 + g %% 4],
                        '["team-' || (g %% 20) || '","site-' || (g %% 7) || '"]', '[]',
                        now() - interval '30 days', now() - g * interval '1 second'
                    FROM generate_series(1, %d) g""".formatted(TENANT, n));
            s.execute("ANALYZE agents");
        }
        System.out.printf(
                "seeded %,d agents in %d ms%n", n, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    private static String login(HubApi api) {
        return "enginex_session=" + api.loginCookie(EMAIL, PASSWORD);
    }

    private static void get(HttpClient http, String url, String cookie, int repeat, String what)
            throws IOException, InterruptedException {
        long[] ms = new long[repeat];
        long bytes = 0;
        for (int i = 0; i < repeat; i++) {
            long t = System.nanoTime();
            HttpResponse<byte[]> r = http.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .header("Cookie", cookie)
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            ms[i] = System.nanoTime() - t;
            if (r.statusCode() != 200) {
                throw new IllegalStateException(
                        url + " answered " + r.statusCode() + ": " + new String(r.body(), StandardCharsets.UTF_8));
            }
            bytes = r.body().length;
        }
        System.out.printf("%-48s %,10d bytes  p50 %6.1f ms  max %6.1f ms%n", what, bytes, p(ms, 50), p(ms, 100));
    }

    /**
     * The browser's stream of the first page; the first agent on it (by name: laptop-1) is labelled
     * through the API, {@code repeat} times, and each time the stream's events up to that row are
     * counted (bytes, events) and timed from the API's answer.
     */
    private static void liveUpdate(HttpClient http, BenchHub hub, HubApi api, String cookie, int repeat)
            throws IOException, InterruptedException {
        var events = new LinkedBlockingQueue<String[]>();
        HttpResponse<InputStream> stream = http.send(
                HttpRequest.newBuilder(URI.create(hub.url() + "/ui/fleet/live"))
                        .header("Cookie", cookie)
                        .header("Accept", "text/event-stream")
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        Thread reader = Thread.ofVirtual().start(() -> read(stream.body(), events));
        String[] first = events.poll(60, TimeUnit.SECONDS);
        if (first == null || !first[0].equals("ready")) {
            throw new IllegalStateException("the live stream did not start: " + Arrays.toString(first));
        }
        long[] ms = new long[repeat];
        long rowBytes = 0;
        int otherEvents = 0;
        for (int i = 0; i < repeat; i++) {
            long t = System.nanoTime();
            HubApi.expect(
                    200,
                    api.put(
                            "/api/v1/tenants/" + TENANT + "/agents/agt_bench_1/labels",
                            Map.of("labels", List.of("team-1", "run-" + i))));
            long answered = System.nanoTime();
            while (true) {
                String[] e = events.poll(60, TimeUnit.SECONDS);
                if (e == null) {
                    throw new IllegalStateException("no row event within 60 s after labelling laptop-1");
                }
                if (e[0].equals("row") && e[1].contains("run-" + i + "<")) {
                    rowBytes = e[1].getBytes(StandardCharsets.UTF_8).length;
                    break;
                }
                otherEvents++;
            }
            ms[i] = System.nanoTime() - answered;
            if (i == 0) {
                System.out.printf("  (labels PUT answered in %.1f ms)%n", (answered - t) / 1e6);
            }
        }
        System.out.printf(
                "%-48s %,10d bytes  p50 %6.1f ms  max %6.1f ms  (other events meanwhile: %d)%n",
                "live update: one row event", rowBytes, p(ms, 50), p(ms, 100), otherEvents);
        stream.body().close();
        reader.interrupt();
    }

    private static void read(InputStream body, LinkedBlockingQueue<String[]> events) {
        try (var in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String event = "message";
            var data = new StringBuilder();
            for (String line; (line = in.readLine()) != null; ) {
                if (line.isEmpty()) {
                    if (!data.isEmpty()) {
                        events.add(new String[] {event, data.toString()});
                    }
                    event = "message";
                    data.setLength(0);
                } else if (line.startsWith("event:")) {
                    event = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    data.append(data.isEmpty() ? "" : "\n")
                            .append(line.substring(5).stripLeading());
                }
            }
        } catch (IOException e) {
            // the stream was closed at the end of the run
        }
    }

    /** PostgreSQL's plan of the page query (as the hub's AgentListing writes it) for each sort. */
    private static void explain(String url) throws SQLException {
        String where = "tenant_id = '" + TENANT + "' AND archived_at IS NULL";
        List<String> orders = List.of(
                "hostname ASC NULLS LAST, id ASC",
                "last_seen_at DESC NULLS FIRST, id DESC",
                "os ASC NULLS LAST, id ASC",
                "agent_version ASC NULLS LAST, id ASC");
        try (Connection c = DriverManager.getConnection(url, ScratchDatabase.USER, "");
                Statement s = c.createStatement()) {
            for (String order : orders) {
                System.out.println("EXPLAIN ANALYZE … ORDER BY " + order + " LIMIT 50 OFFSET 5000");
                try (ResultSet rs = s.executeQuery("EXPLAIN ANALYZE SELECT id, hostname FROM agents WHERE " + where
                        + " ORDER BY " + order + " LIMIT 50 OFFSET 5000")) {
                    while (rs.next()) {
                        System.out.println("    " + rs.getString(1));
                    }
                }
            }
            System.out.println("EXPLAIN ANALYZE SELECT COUNT(*) … search 'laptop-42'");
            try (ResultSet rs = s.executeQuery("EXPLAIN ANALYZE SELECT COUNT(*) FROM agents WHERE " + where
                    + " AND (LOWER(hostname) LIKE '%laptop-42%' OR LOWER(id) LIKE '%laptop-42%'"
                    + " OR LOWER(labels) LIKE '%laptop-42%')")) {
                while (rs.next()) {
                    System.out.println("    " + rs.getString(1));
                }
            }
        }
    }

    private static double p(long[] nanos, int percentile) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int i = Math.min(sorted.length - 1, (int) Math.ceil(percentile / 100.0 * sorted.length) - 1);
        return sorted[Math.max(0, i)] / 1e6;
    }

    private static int option(String[] args, String name, int absent) {
        List<String> list = new ArrayList<>(List.of(args));
        int i = list.indexOf(name);
        if (i < 0) {
            return absent;
        }
        if (i + 1 >= list.size()) {
            throw new IllegalArgumentException(name + " needs a number, e.g. " + name + " " + absent);
        }
        try {
            return Integer.parseInt(list.get(i + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number; got " + list.get(i + 1), e);
        }
    }
}
