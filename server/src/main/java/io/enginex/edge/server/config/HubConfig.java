package io.enginex.edge.server.config;

import io.enginex.edge.server.registration.EnrolmentRate;
import io.enginex.edge.server.store.DatabaseConfig;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * Everything {@code engine serve} is started with. Immutable and validated on construction; build
 * one with {@link #builder(Path)}.
 *
 * @param dataDir where the hub keeps its embedded database, TLS material, secrets and {@code hub.json}
 * @param bindAddress address to listen on, e.g. {@code 0.0.0.0} or {@code 127.0.0.1}
 * @param port TCP port; 0 picks a free one (the bound port is in {@code hub.json})
 * @param database the database; the embedded H2 file under {@code dataDir} unless set
 * @param tls how HTTPS is served; plain HTTP only on a loopback {@code bindAddress}
 * @param publicUrl the URL people and agents reach this hub by (used in links), or null to derive
 *     it from the bound address and port
 * @param heartbeat how often the hub pings each agent; an agent silent for twice this is dropped by then (see Heartbeat)
 * @param nodeName this hub node's name, shown in {@code welcome} and {@code /healthz}
 * @param registerPerMinute agent registrations allowed per source address and minute with a token the
 *     hub does not accept (unknown, expired, revoked, used up) or none: the guard against guessing
 * @param enrolmentPerMinute enrolments allowed per source address and minute with one valid
 *     registration token, unless the token or its tenant sets its own ({@code --enrolment-rate-limit})
 * @param tokenPerMinute access-token requests allowed per source address and minute
 * @param maxBodyBytes largest REST request body accepted
 * @param unresponsiveAfter how long a connected agent may leave a job it was sent without an ack or
 *     progress (or send no frame at all) before it is shown unresponsive rather than busy
 * @param sessionLinkTtl how long a session page link works after it is issued (1 minute to 365 days)
 * @param maxConcurrentJobs the most job creates in progress at once on this node, shared fairly
 *     between tenants; more are refused 503 with {@code Retry-After} (see {@code job.Admission})
 * @param trustedProxies the load balancers in front of the hub, whose {@code X-Forwarded-For} names
 *     the client (every per-address limit and audit origin uses it); none: the peer is the client
 * @param clusterSweep on PostgreSQL, how often each node looks for queued jobs of its agents whose
 *     signal from another node was lost (1 s to 1 h)
 * @param rolloutCheck how often the leading node checks each release's failure rate per ring for an
 *     automatic halt ({@code update.RolloutGuard}; 100 ms to 10 min). Not a command-line option: the
 *     default suits a fleet; tests shorten it
 * @param proxyProtocol whether the listener reads a PROXY protocol header (v1 or v2) from the trusted
 *     proxies, which then names the client (TLS passthrough); needs {@code trustedProxies}
 * @param webhooks where webhooks may go and how soon a failed one is tried again
 * @param graphOutputs how large the step outputs agents upload as files may be
 */
public record HubConfig(
        Path dataDir,
        String bindAddress,
        int port,
        DatabaseConfig database,
        TlsConfig tls,
        URI publicUrl,
        Duration heartbeat,
        String nodeName,
        int registerPerMinute,
        int enrolmentPerMinute,
        int tokenPerMinute,
        long maxBodyBytes,
        Duration unresponsiveAfter,
        Duration sessionLinkTtl,
        int maxConcurrentJobs,
        TrustedProxies trustedProxies,
        Duration clusterSweep,
        Duration rolloutCheck,
        boolean proxyProtocol,
        WebhookConfig webhooks,
        GraphOutputLimits graphOutputs) {
    /**
     * Caps of the step outputs agents upload as files (docs/GRAPHS.md "Big outputs"); a larger one is
     * refused with an error that names the option.
     *
     * @param perFileBytes the largest one ({@code --graph-output-max-bytes})
     * @param perTenantBytes all of one tenant's together ({@code --graph-outputs-tenant-max-bytes})
     */
    public record GraphOutputLimits(long perFileBytes, long perTenantBytes) {
        /** 64 MiB per file, 4 GiB per tenant. */
        public static final GraphOutputLimits DEFAULT = new GraphOutputLimits(64L << 20, 4L << 30);

        public GraphOutputLimits {
            if (perFileBytes < 1 || perTenantBytes < perFileBytes) {
                throw new IllegalArgumentException("--graph-output-max-bytes must be at least 1 and at most"
                        + " --graph-outputs-tenant-max-bytes; got " + perFileBytes + " and " + perTenantBytes);
            }
        }
    }

    /**
     * Webhook sending.
     *
     * @param allowPrivateTargets whether endpoints may be on loopback, private or link-local addresses
     *     and use plain HTTP ({@code --webhook-allow-private-targets}; off: only public HTTPS, the
     *     guard against server-side request forgery)
     * @param retryBase the wait after a first failed attempt, doubled for each further one (not a
     *     command-line option: the default suits receivers; tests shorten it)
     */
    public record WebhookConfig(boolean allowPrivateTargets, Duration retryBase) {
        public static final Duration DEFAULT_RETRY_BASE = Duration.ofSeconds(10);
        public static final WebhookConfig DEFAULT = new WebhookConfig(false, DEFAULT_RETRY_BASE);

        public WebhookConfig {
            retryBase = retryBase == null ? DEFAULT_RETRY_BASE : retryBase;
            if (retryBase.toMillis() < 10 || retryBase.toMillis() > 3_600_000) {
                throw new IllegalArgumentException("the webhook retry base must be between 10ms and 1h");
            }
        }
    }

    public static final int DEFAULT_PORT = 8443;
    public static final Duration DEFAULT_ROLLOUT_CHECK = Duration.ofSeconds(10);
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(15);
    public static final Duration DEFAULT_UNRESPONSIVE_AFTER = Duration.ofMinutes(2);
    public static final Duration DEFAULT_SESSION_LINK_TTL = Duration.ofDays(7);
    public static final int DEFAULT_MAX_CONCURRENT_JOBS = 256;
    public static final int MAX_CONCURRENT_JOBS_LIMIT = 100_000;
    public static final Duration DEFAULT_CLUSTER_SWEEP = Duration.ofSeconds(10);

    public HubConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(heartbeat, "heartbeat");
        dataDir = dataDir.toAbsolutePath().normalize();
        database = database == null ? DatabaseConfig.embedded(dataDir) : database;
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("--port must be between 0 and 65535; got " + port);
        }
        if (heartbeat.toMillis() < 100 || heartbeat.toMillis() > 600_000) {
            throw new IllegalArgumentException(
                    "--heartbeat must be between 100ms and 10m; got " + HumanDuration.format(heartbeat));
        }
        if (!tls.enabled() && !isLoopback(bindAddress)) {
            throw new IllegalArgumentException("--insecure-http is allowed only when --bind is a loopback address "
                    + "(127.0.0.1, ::1, localhost), because agents and browsers would otherwise send API keys "
                    + "and tokens in clear text over the network; got --bind " + bindAddress
                    + ". Drop --insecure-http to serve HTTPS (a self-signed certificate is made for you), "
                    + "or bind to 127.0.0.1 behind a TLS-terminating proxy.");
        }
        if (publicUrl != null
                && !(publicUrl.getScheme() != null
                        && (publicUrl.getScheme().equals("https")
                                || publicUrl.getScheme().equals("http"))
                        && publicUrl.getHost() != null)) {
            throw new IllegalArgumentException(
                    "--public-url must be an absolute http(s) URL like " + "https://hub.example.com; got " + publicUrl);
        }
        nodeName = nodeName == null || nodeName.isBlank() ? defaultNodeName() : nodeName;
        if (!NODE_NAME.matcher(nodeName).matches()) {
            throw new IllegalArgumentException("--node-name must be 1 to 200 letters, digits, '.', '-' or '_',"
                    + " starting with a letter or digit (it names this node in the database, the logs and /healthz);"
                    + " got \"" + printable(nodeName) + "\"");
        }
        if (registerPerMinute < 1 || tokenPerMinute < 1) {
            throw new IllegalArgumentException("rate limits must allow at least one attempt per minute");
        }
        if (enrolmentPerMinute < 1 || enrolmentPerMinute > EnrolmentRate.MAX_PER_MINUTE) {
            throw new IllegalArgumentException("--enrolment-rate-limit must be between 1/min and "
                    + EnrolmentRate.MAX_PER_MINUTE + "/min; got " + enrolmentPerMinute + "/min");
        }
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException("maxBodyBytes must be at least 1024; got " + maxBodyBytes);
        }
        unresponsiveAfter = unresponsiveAfter == null ? DEFAULT_UNRESPONSIVE_AFTER : unresponsiveAfter;
        if (unresponsiveAfter.toMillis() < 1000 || unresponsiveAfter.toMillis() > 3_600_000) {
            throw new IllegalArgumentException(
                    "--unresponsive-after must be between 1s and 1h; got " + HumanDuration.format(unresponsiveAfter));
        }
        sessionLinkTtl = sessionLinkTtl == null ? DEFAULT_SESSION_LINK_TTL : sessionLinkTtl;
        if (sessionLinkTtl.compareTo(Duration.ofMinutes(1)) < 0 || sessionLinkTtl.compareTo(Duration.ofDays(365)) > 0) {
            throw new IllegalArgumentException(
                    "--session-link-ttl must be between 1m and 365d; got " + HumanDuration.format(sessionLinkTtl));
        }
        if (maxConcurrentJobs < 1 || maxConcurrentJobs > MAX_CONCURRENT_JOBS_LIMIT) {
            throw new IllegalArgumentException("--max-concurrent-jobs must be between 1 and "
                    + MAX_CONCURRENT_JOBS_LIMIT + "; got " + maxConcurrentJobs);
        }
        trustedProxies = trustedProxies == null ? TrustedProxies.DIRECT : trustedProxies;
        if (proxyProtocol && trustedProxies.isEmpty()) {
            throw new IllegalArgumentException("--proxy-protocol needs --trusted-proxy naming the load balancers that"
                    + " send the header (e.g. --trusted-proxy 10.0.1.5): the hub reads it from them alone, so that"
                    + " no one else can choose the address the hub sees");
        }
        webhooks = webhooks == null ? WebhookConfig.DEFAULT : webhooks;
        clusterSweep = clusterSweep == null ? DEFAULT_CLUSTER_SWEEP : clusterSweep;
        if (clusterSweep.toMillis() < 1000 || clusterSweep.toMillis() > 3_600_000) {
            throw new IllegalArgumentException(
                    "--cluster-sweep must be between 1s and 1h; got " + HumanDuration.format(clusterSweep));
        }
        rolloutCheck = rolloutCheck == null ? DEFAULT_ROLLOUT_CHECK : rolloutCheck;
        if (rolloutCheck.toMillis() < 100 || rolloutCheck.toMillis() > 600_000) {
            throw new IllegalArgumentException("the rollout check interval must be between 100ms and 10m; got "
                    + HumanDuration.format(rolloutCheck));
        }
    }

    /**
     * The URL this hub is reached by: {@link #publicUrl()} if set, else the bound address and {@code
     * boundPort} ({@code 127.0.0.1} for a wildcard bind, so local scripts and tests can use it).
     */
    public String baseUrl(boolean https, int boundPort) {
        if (publicUrl != null) {
            String s = publicUrl.toString();
            return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
        }
        String host = isWildcard(bindAddress) ? "127.0.0.1" : bindAddress;
        if (host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        return (https ? "https" : "http") + "://" + host + ":" + boundPort;
    }

    /** Names for a self-signed certificate besides the loopback ones: host name, bind address, public host. */
    public Set<String> certificateHostNames() {
        Set<String> names = new LinkedHashSet<>();
        try {
            names.add(InetAddress.getLocalHost().getHostName());
        } catch (UnknownHostException e) {
            // no resolvable host name: localhost and the loopback addresses still go in
        }
        if (!isWildcard(bindAddress)) {
            names.add(bindAddress.replace("[", "").replace("]", ""));
        }
        if (publicUrl != null) {
            names.add(publicUrl.getHost().replace("[", "").replace("]", ""));
        }
        return names;
    }

    private static boolean isWildcard(String address) {
        return address.isBlank() || address.equals("0.0.0.0") || address.equals("::") || address.equals("[::]");
    }

    public static Builder builder(Path dataDir) {
        return new Builder(dataDir);
    }

    /** Whether {@code address} is a loopback address (resolving names like {@code localhost}). */
    public static boolean isLoopback(String address) {
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static final java.util.regex.Pattern NODE_NAME =
            java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");

    /** At most 40 characters of {@code text}, anything but printable ASCII shown as '?'. */
    private static String printable(String text) {
        String cut = text.length() > 40 ? text.substring(0, 40) + "…" : text;
        return cut.replaceAll("[^\\x20-\\x7e…]", "?");
    }

    private static String defaultNodeName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "hub";
        }
    }

    /** Collects options; {@link #build()} validates them. Not thread-safe. */
    public static final class Builder {
        private final Path dataDir;
        private String bindAddress = "0.0.0.0";
        private int port = DEFAULT_PORT;
        private DatabaseConfig database;
        private TlsConfig tls = TlsConfig.selfSigned();
        private URI publicUrl;
        private Duration heartbeat = DEFAULT_HEARTBEAT;
        private String nodeName;
        private int registerPerMinute = 10;
        private int enrolmentPerMinute = EnrolmentRate.DEFAULT_PER_MINUTE;
        private int tokenPerMinute = 600;
        private long maxBodyBytes = 1 << 20;
        private Duration unresponsiveAfter = DEFAULT_UNRESPONSIVE_AFTER;
        private Duration sessionLinkTtl = DEFAULT_SESSION_LINK_TTL;
        private int maxConcurrentJobs = DEFAULT_MAX_CONCURRENT_JOBS;
        private Duration clusterSweep = DEFAULT_CLUSTER_SWEEP;
        private TrustedProxies trustedProxies = TrustedProxies.DIRECT;
        private Duration rolloutCheck = DEFAULT_ROLLOUT_CHECK;
        private boolean proxyProtocol;
        private WebhookConfig webhooks = WebhookConfig.DEFAULT;
        private GraphOutputLimits graphOutputs = GraphOutputLimits.DEFAULT;

        private Builder(Path dataDir) {
            this.dataDir = dataDir;
        }

        public Builder bind(String address, int port) {
            this.bindAddress = address;
            this.port = port;
            return this;
        }

        public Builder database(DatabaseConfig database) {
            this.database = database;
            return this;
        }

        public Builder tls(TlsConfig tls) {
            this.tls = tls;
            return this;
        }

        public Builder publicUrl(URI publicUrl) {
            this.publicUrl = publicUrl;
            return this;
        }

        public Builder heartbeat(Duration heartbeat) {
            this.heartbeat = heartbeat;
            return this;
        }

        public Builder nodeName(String nodeName) {
            this.nodeName = nodeName;
            return this;
        }

        public Builder rateLimits(int registerPerMinute, int tokenPerMinute) {
            this.registerPerMinute = registerPerMinute;
            this.tokenPerMinute = tokenPerMinute;
            return this;
        }

        /** Enrolments per source address and minute with one valid token that sets no budget of its own. */
        public Builder enrolmentRate(int perMinute) {
            this.enrolmentPerMinute = perMinute;
            return this;
        }

        public Builder maxBodyBytes(long maxBodyBytes) {
            this.maxBodyBytes = maxBodyBytes;
            return this;
        }

        public Builder unresponsiveAfter(Duration unresponsiveAfter) {
            this.unresponsiveAfter = unresponsiveAfter;
            return this;
        }

        public Builder sessionLinkTtl(Duration sessionLinkTtl) {
            this.sessionLinkTtl = sessionLinkTtl;
            return this;
        }

        /** The most job creates in progress at once on this node (see {@code job.Admission}). */
        public Builder maxConcurrentJobs(int maxConcurrentJobs) {
            this.maxConcurrentJobs = maxConcurrentJobs;
            return this;
        }

        /** How often each node sweeps for queued jobs whose signal was lost (PostgreSQL only). */
        public Builder clusterSweep(Duration clusterSweep) {
            this.clusterSweep = clusterSweep;
            return this;
        }

        /** How often the leading node checks rollouts for an automatic halt. */
        public Builder rolloutCheck(Duration rolloutCheck) {
            this.rolloutCheck = rolloutCheck;
            return this;
        }

        /** The load balancers whose {@code X-Forwarded-For} the hub believes. */
        public Builder trustedProxies(TrustedProxies trustedProxies) {
            this.trustedProxies = trustedProxies;
            return this;
        }

        /** Read a PROXY protocol header from the trusted proxies (TLS passthrough); off by default. */
        public Builder proxyProtocol(boolean proxyProtocol) {
            this.proxyProtocol = proxyProtocol;
            return this;
        }

        /** Where webhooks may go and how soon a failed one is tried again. */
        public Builder webhooks(WebhookConfig webhooks) {
            this.webhooks = webhooks;
            return this;
        }

        /** The caps of step outputs uploaded as files. */
        public Builder graphOutputs(GraphOutputLimits graphOutputs) {
            this.graphOutputs = graphOutputs;
            return this;
        }

        public HubConfig build() {
            return new HubConfig(
                    dataDir,
                    bindAddress,
                    port,
                    database,
                    tls,
                    publicUrl,
                    heartbeat,
                    nodeName,
                    registerPerMinute,
                    enrolmentPerMinute,
                    tokenPerMinute,
                    maxBodyBytes,
                    unresponsiveAfter,
                    sessionLinkTtl,
                    maxConcurrentJobs,
                    trustedProxies,
                    clusterSweep,
                    rolloutCheck,
                    proxyProtocol,
                    webhooks,
                    graphOutputs);
        }
    }
}
