package io.enginex.edge.bench.fleet;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Options of {@code bench/run fleet}, parsed once. Immutable.
 *
 * @param addresses loopback source addresses to spread the agents over
 * @param seconds length of the idle window and of the measured job load
 * @param rate jobs started per second (open model); 0 runs no jobs except in the storm
 * @param rates offered rates of a sweep (each run for {@code seconds} after {@code warmup}), or empty
 * @param chart where to write the sweep's SVG chart, or null
 * @param json where to write the JSON report, or null
 */
public record FleetOptions(
        int agents,
        int addresses,
        String heartbeat,
        int seconds,
        int warmup,
        double rate,
        String scenario,
        int connectRate,
        String db,
        String hubHeap,
        boolean ack,
        int stormTimeout,
        List<Double> rates,
        Path chart,
        Path json,
        int maxConcurrentJobs,
        String via,
        int nodes) {
    static final String USAGE = """
            usage: bench/run fleet --agents N [options]
              --agents N          simulated agents (default 100)
              --addresses K       127.0.0.x source addresses (default: 4, or one per 500 agents if more;
                                  one address has about 28,000 ephemeral ports)
              --heartbeat D       the hub's heartbeat interval, e.g. 30s (default 30s)
              --seconds S         idle window for CPU, and length of the measured job load (default 30)
              --warmup W          unmeasured job load before it at the same rate (default 10)
              --rate R            jobs per second through the REST API, open model (default 0: none)
              --scenario NAME     connect (default), reconnect-storm (restart the hub, wait for all) or
                                  overload (the --rate load with creates the hub sheds counted, not retried)
              --max-concurrent-jobs N  the hub's --max-concurrent-jobs (default: the hub's own)
              --via rest|channel  jobs through POST …/jobs and a long-poll each (default), or all on one
                                  runtime channel (a WebSocket at …/runtime)
              --connect-rate C    first connects per second (default 200)
              --db NAME           h2 (default) or postgres (a scratch database on 127.0.0.1:5432)
              --nodes N           hub nodes on that one database (default 1; more need --db postgres):
                                  agent i connects to node i mod N, job k is created through node k mod N
              --hub-heap SIZE     the hub's -Xmx (default 1g)
              --ack               send ack before each result, as the real agent does
              --storm-timeout S   how long the storm may take before the run gives up (default 180)
              --rates R1,R2,…     a sweep: the job load at each rate in turn, after its own warm-up
              --chart FILE        write the sweep's latency against offered rate as SVG there
              --json FILE         also write the report as JSON""";

    public FleetOptions {
        if (agents < 1
                || addresses < 1
                || addresses > 254
                || seconds < 1
                || warmup < 0
                || rate < 0
                || connectRate < 1) {
            throw new IllegalArgumentException("out of range: --agents ≥ 1, --addresses 1–254, --seconds ≥ 1,"
                    + " --warmup ≥ 0, --rate ≥ 0, --connect-rate ≥ 1; see --help");
        }
        if (!List.of("connect", "reconnect-storm", "overload").contains(scenario)) {
            throw new IllegalArgumentException("--scenario is connect, reconnect-storm or overload; got " + scenario);
        }
        if (!via.equals("rest") && !via.equals("channel")) {
            throw new IllegalArgumentException("--via is rest or channel; got " + via);
        }
        if (maxConcurrentJobs < 0) {
            throw new IllegalArgumentException("--max-concurrent-jobs must be at least 1; got " + maxConcurrentJobs);
        }
        rates = List.copyOf(rates);
        if (rates.stream().anyMatch(r -> !(r > 0))) {
            throw new IllegalArgumentException("--rates must all be positive; got " + rates);
        }
        if (!db.equals("h2") && !db.equals("postgres")) {
            throw new IllegalArgumentException("--db is h2 or postgres; got " + db);
        }
        if (nodes < 1 || nodes > 8) {
            throw new IllegalArgumentException("--nodes is 1-8; got " + nodes);
        }
        if (nodes > 1 && !db.equals("postgres")) {
            throw new IllegalArgumentException(
                    "--nodes " + nodes + " needs --db postgres (the embedded database" + " serves one node)");
        }
        if (nodes > 1 && (scenario.equals("reconnect-storm") || via.equals("channel"))) {
            throw new IllegalArgumentException("--nodes > 1 runs the connect and overload scenarios over REST");
        }
    }

    /** The default number of addresses for {@code agents}: 4, or one per 500 agents. */
    static int defaultAddresses(int agents) {
        return Math.min(254, Math.max(4, (agents + 499) / 500));
    }

    /** Parses {@code args}; null for {@code --help}. */
    static FleetOptions parse(String[] args) {
        int agents = 100;
        Integer addresses = null;
        String heartbeat = "30s";
        int seconds = 30;
        int warmup = 10;
        double rate = 0;
        String scenario = "connect";
        int connectRate = 200;
        String db = "h2";
        String heap = "1g";
        boolean ack = false;
        int stormTimeout = 180;
        List<Double> rates = List.of();
        Path chart = null;
        Path json = null;
        int maxConcurrentJobs = 0;
        String via = "rest";
        int nodes = 1;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--agents" -> agents = Integer.parseInt(value(args, ++i, a));
                case "--addresses" -> addresses = Integer.parseInt(value(args, ++i, a));
                case "--heartbeat" -> heartbeat = value(args, ++i, a);
                case "--seconds" -> seconds = Integer.parseInt(value(args, ++i, a));
                case "--warmup" -> warmup = Integer.parseInt(value(args, ++i, a));
                case "--rate" -> rate = Double.parseDouble(value(args, ++i, a));
                case "--scenario" -> scenario = value(args, ++i, a);
                case "--connect-rate" -> connectRate = Integer.parseInt(value(args, ++i, a));
                case "--db" -> db = value(args, ++i, a);
                case "--hub-heap" -> heap = value(args, ++i, a);
                case "--ack" -> ack = true;
                case "--storm-timeout" -> stormTimeout = Integer.parseInt(value(args, ++i, a));
                case "--rates" ->
                    rates = Arrays.stream(value(args, ++i, a).split(","))
                            .map(String::strip)
                            .map(Double::parseDouble)
                            .toList();
                case "--chart" -> chart = Path.of(value(args, ++i, a));
                case "--json" -> json = Path.of(value(args, ++i, a));
                case "--max-concurrent-jobs" -> maxConcurrentJobs = Integer.parseInt(value(args, ++i, a));
                case "--via" -> via = value(args, ++i, a);
                case "--nodes" -> nodes = Integer.parseInt(value(args, ++i, a));
                case "--help", "-h" -> {
                    return null;
                }
                default -> throw new IllegalArgumentException("unknown option " + a + "; see --help");
            }
        }
        return new FleetOptions(
                agents,
                addresses == null ? defaultAddresses(agents) : addresses,
                heartbeat,
                seconds,
                warmup,
                rate,
                scenario,
                connectRate,
                db,
                heap,
                ack,
                stormTimeout,
                rates,
                chart,
                json,
                maxConcurrentJobs,
                via,
                nodes);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value; see --help");
        }
        return args[i];
    }
}
