package io.enginex.edge.agent.doctor;

import io.enginex.edge.agent.connection.AccessTokens;
import io.enginex.edge.agent.connection.ConnectionProblem;
import io.enginex.edge.agent.enrolment.AgentConfig;
import io.enginex.edge.agent.enrolment.AgentConfigFile;
import io.enginex.edge.agent.identity.AgentIdentity;
import io.enginex.edge.agent.identity.ClientAssertion;
import io.enginex.edge.agent.identity.IdentityFile;
import io.enginex.edge.agent.transport.EnvProxySelector;
import io.enginex.edge.agent.transport.HubClient;
import io.enginex.edge.agent.transport.HubEndpoint;
import io.enginex.edge.agent.transport.HubRefusedException;
import io.enginex.edge.agent.transport.HubUnreachableException;
import io.enginex.edge.agent.transport.TrustSettings;
import io.enginex.edge.protocol.CertificateFingerprint;
import io.enginex.edge.protocol.MessageCodec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Runs the checks: config file, identity, proxy, DNS, TCP, TLS (chain, expiry, pin or CA), clock skew
 * against the hub's {@code Date} header, credential (an access token is requested), service state.
 * Later checks are skipped when one they need failed.
 */
public final class Doctor {
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    static final Duration MAX_SKEW = Duration.ofMinutes(2);
    static final Duration EXPIRY_WARNING = Duration.ofDays(14);

    private final Path stateDir;
    private final Path configFile;
    private final Map<String, String> env;
    private final Clock clock;
    private final MessageCodec codec = new MessageCodec();
    private final String osName;
    private final Supplier<List<SystemProxy>> systemProxies;

    /**
     * @param configFile the admin config, or null when there is none
     */
    public Doctor(Path stateDir, Path configFile, Map<String, String> env, Clock clock) {
        this(
                stateDir,
                configFile,
                env,
                clock,
                System.getProperty("os.name", ""),
                () -> SystemProxies.read(System.getProperty("os.name", ""), env));
    }

    /**
     * @param osName decides how fixes are worded (systemd, launchd, the Windows registry)
     * @param systemProxies the desktop's and OS's proxy settings that are on (see {@link SystemProxies})
     */
    public Doctor(
            Path stateDir,
            Path configFile,
            Map<String, String> env,
            Clock clock,
            String osName,
            Supplier<List<SystemProxy>> systemProxies) {
        this.stateDir = stateDir;
        this.configFile = configFile;
        this.env = env;
        this.clock = clock;
        this.osName = osName;
        this.systemProxies = systemProxies;
    }

    public List<Check> run(ServiceState service) {
        EnvProxySelector.allowBasicProxyTunnels(env);
        List<Check> checks = new ArrayList<>();
        AgentConfig config = AgentConfig.EMPTY;
        if (configFile != null) {
            checks.add(configPermissions());
            try {
                config = new AgentConfigFile(configFile).load();
            } catch (RuntimeException e) {
                checks.add(Check.fail("config", e.getMessage(), "fix the file as the message says"));
            }
        }
        IdentityFile identityFile = new IdentityFile(stateDir, codec.mapper());
        AgentIdentity identity = null;
        if (!identityFile.exists()) {
            checks.add(
                    config.canEnrol()
                            ? Check.warn(
                                    "identity",
                                    "not enrolled yet; " + configFile + " has a server and token",
                                    "start the service; it enrols on first start (enginex-agent status shows why not)")
                            : Check.fail(
                                    "identity",
                                    "not enrolled: no " + identityFile.path(),
                                    "enginex-agent register --server URL --token TOKEN, or put server and token in the config"
                                            + " file"));
        } else {
            try {
                identity = identityFile.load();
                checks.add(Check.ok("identity", identity.agentId() + " in tenant " + identity.tenant()));
            } catch (RuntimeException e) {
                checks.add(Check.fail("identity", e.getMessage(), "as the message says"));
            }
        }
        List<HubEndpoint> hubs = List.of();
        TrustSettings trust = null;
        try {
            if (identity != null) {
                hubs = identity.hubs().all();
                trust = identity.trust();
            } else if (config.server() != null) {
                hubs = io.enginex.edge.agent.transport.HubAddresses.parse(config.server())
                        .all();
                trust = new TrustSettings(config.pin(), config.caFile());
            }
        } catch (RuntimeException e) {
            checks.add(Check.fail("config", "server: " + e.getMessage(), "fix server = in the config file"));
        }
        // The proxy checks look at the first address: every address goes through the same proxy settings.
        HubEndpoint hub = hubs.isEmpty() ? null : hubs.get(0);
        checks.add(proxy(hub));
        try {
            ProxyCheck proxies = new ProxyCheck(env, osName, TIMEOUT);
            URI hubUri = hub == null ? null : hub.base();
            checks.addAll(proxies.compare(systemProxies.get(), hubUri));
            checks.add(proxies.probe(hubUri));
        } catch (IllegalArgumentException e) {
            checks.add(Check.fail("proxy", e.getMessage(), "fix HTTPS_PROXY in the agent's environment"));
        }
        if (hub == null) {
            checks.add(Check.skipped("network", "no hub known yet"));
        }
        for (HubEndpoint each : hubs) {
            network(checks, each, trust, identity);
        }
        checks.add(service.check());
        return checks;
    }

    /** DNS, TCP, TLS, clock and credential checks of one of the hub's addresses. */
    private void network(List<Check> checks, HubEndpoint hub, TrustSettings trust, AgentIdentity identity) {
        {
            URI base = hub.base();
            String host = base.getHost();
            int port = base.getPort() != -1 ? base.getPort() : ("https".equals(base.getScheme()) ? 443 : 80);
            boolean https = "https".equals(base.getScheme());
            Check dns = dns(host);
            checks.add(dns);
            Check tcp = dns.result() == Check.Result.FAIL ? Check.skipped("tcp", "DNS failed") : tcp(host, port);
            checks.add(tcp);
            boolean reachable = tcp.result() == Check.Result.OK;
            Check tls = !https
                    ? Check.skipped("tls", "plain http:// (loopback only)")
                    : reachable ? tls(host, port, trust) : Check.skipped("tls", "TCP failed");
            checks.add(tls);
            boolean trusted = reachable && tls.result() != Check.Result.FAIL;
            checks.add(trusted ? clockSkew(base, trust) : Check.skipped("clock", "hub not reachable or not trusted"));
            checks.add(
                    trusted && identity != null
                            ? credential(identity, hub)
                            : Check.skipped("credential", identity == null ? "not enrolled" : "hub not reachable"));
        }
    }

    Check configPermissions() {
        if (!Files.exists(configFile)) {
            return Check.warn(
                    "config",
                    configFile + " does not exist",
                    "create it with server = URL and token = TOKEN (docs/INSTALL.md), or drop --config");
        }
        if (!Files.isReadable(configFile)) {
            return Check.fail(
                    "config",
                    "cannot read " + configFile + " as this user",
                    "run doctor as the agent's user or with sudo; the service needs it group enginex-agent, mode 660");
        }
        try {
            if (configFile.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(configFile);
                if (permissions.contains(PosixFilePermission.OTHERS_READ)
                        || permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
                    return Check.fail(
                            "config",
                            configFile + " is readable or writable by every user (mode "
                                    + PosixFilePermissions.toString(permissions)
                                    + "); it may hold a registration token",
                            "chmod 660 " + configFile + " (and chgrp enginex-agent for the service)");
                }
            }
        } catch (IOException e) {
            return Check.fail("config", "cannot read the permissions of " + configFile + ": " + e, "check the path");
        }
        return Check.ok("config", configFile + " readable, not open to other users");
    }

    Check proxy(HubEndpoint hub) {
        String proxy = firstSet("HTTPS_PROXY", "https_proxy");
        String noProxy = firstSet("NO_PROXY", "no_proxy");
        if (proxy == null) {
            return Check.ok(
                    "proxy",
                    "no HTTPS_PROXY: direct connection" + (noProxy == null ? "" : " (NO_PROXY=" + noProxy + ")"));
        }
        String shown = proxy.replaceAll("//[^@/]*@", "//***@");
        boolean bypassed = hub != null
                && noProxy != null
                && Arrays.stream(noProxy.split(","))
                        .map(String::strip)
                        .anyMatch(entry -> !entry.isEmpty()
                                && (entry.equals("*")
                                        || hub.base().getHost().endsWith(entry.replaceFirst("^\\*", ""))));
        return Check.ok(
                "proxy",
                "HTTPS_PROXY=" + shown + (bypassed ? "; the hub is in NO_PROXY: direct" : "; used for the hub"));
    }

    private String firstSet(String... names) {
        for (String name : names) {
            String value = env.get(name);
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return null;
    }

    static Check dns(String host) {
        try {
            InetAddress[] addresses = InetAddress.getAllByName(host);
            return Check.ok(
                    "dns",
                    host + " → "
                            + Arrays.stream(addresses)
                                    .map(InetAddress::getHostAddress)
                                    .toList());
        } catch (UnknownHostException e) {
            return Check.fail(
                    "dns",
                    "cannot resolve " + host,
                    "check the hub name in the config/identity, the DNS server (resolvectl status) or /etc/hosts;"
                            + " behind a proxy, DNS may only work through it (set HTTPS_PROXY)");
        }
    }

    static Check tcp(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) TIMEOUT.toMillis());
            return Check.ok("tcp", "connected to " + host + ":" + port);
        } catch (IOException e) {
            return Check.fail(
                    "tcp",
                    "cannot connect to " + host + ":" + port + " (" + e.getMessage() + ")",
                    ConnectionProblem.TCP_FIX);
        }
    }

    Check tls(String host, int port, TrustSettings trust) {
        Optional<X509Certificate> leaf = presentedCertificate(host, port);
        String about = leaf.map(c -> "certificate "
                        + c.getSubjectX500Principal().getName() + ", fingerprint " + CertificateFingerprint.of(c)
                        + ", valid until " + c.getNotAfter().toInstant())
                .orElse("no certificate");
        if (leaf.isPresent() && leaf.get().getNotAfter().toInstant().isBefore(clock.instant())) {
            return Check.fail("tls", "the hub's " + about + " has expired", "renew the hub's certificate");
        }
        try (SSLSocket socket =
                (SSLSocket) trust.sslContext().getSocketFactory().createSocket()) {
            socket.connect(new InetSocketAddress(host, port), (int) TIMEOUT.toMillis());
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            socket.startHandshake();
        } catch (SSLException e) {
            String fix = ConnectionProblem.tlsFix(trust);
            return Check.fail("tls", "TLS handshake refused (" + e.getMessage() + "); the hub presents " + about, fix);
        } catch (IOException e) {
            return Check.fail("tls", "TLS failed: " + e.getMessage(), "check that the hub's port speaks TLS");
        }
        if (leaf.isPresent()
                && leaf.get().getNotAfter().toInstant().isBefore(clock.instant().plus(EXPIRY_WARNING))) {
            return Check.warn(
                    "tls", "trusted, but the " + about + " expires within 14 days", "renew the hub's certificate");
        }
        return Check.ok("tls", "trusted (" + trust.describe() + "); " + about);
    }

    /** The certificate the hub presents, read without trusting it (only to describe it). */
    private static Optional<X509Certificate> presentedCertificate(String host, int port) {
        X509Certificate[][] seen = new X509Certificate[1][];
        TrustManager capture = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
                seen[0] = chain;
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {capture}, new SecureRandom());
            try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
                socket.connect(new InetSocketAddress(host, port), (int) TIMEOUT.toMillis());
                socket.setSoTimeout((int) TIMEOUT.toMillis());
                socket.startHandshake();
            }
        } catch (IOException | java.security.GeneralSecurityException e) {
            // Described by the trusted handshake that follows.
        }
        return seen[0] == null || seen[0].length == 0 ? Optional.empty() : Optional.of(seen[0][0]);
    }

    Check clockSkew(URI base, TrustSettings trust) {
        try (HttpClient http = HttpClient.newBuilder()
                .sslContext(trust.sslContext())
                .connectTimeout(TIMEOUT)
                .build()) {
            HttpResponse<Void> response = http.send(
                    HttpRequest.newBuilder(base.resolve("/"))
                            .timeout(TIMEOUT)
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            Optional<String> date = response.headers().firstValue("Date");
            if (date.isEmpty()) {
                return Check.skipped("clock", "the hub sent no Date header");
            }
            return skew(date.get(), clock.instant());
        } catch (IOException | RuntimeException e) {
            return Check.warn(
                    "clock", "could not read the hub's time: " + e.getMessage(), "see the tls and tcp checks");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Check.skipped("clock", "interrupted");
        }
    }

    /** Compares an HTTP {@code Date} header with {@code now}. */
    static Check skew(String dateHeader, Instant now) {
        Instant hubTime = ZonedDateTime.parse(dateHeader, DateTimeFormatter.RFC_1123_DATE_TIME)
                .toInstant();
        Duration skew = Duration.between(hubTime, now).abs();
        if (skew.compareTo(MAX_SKEW) > 0) {
            return Check.fail(
                    "clock", "this clock is " + skew.toSeconds() + " s off the hub's", ConnectionProblem.CLOCK_FIX);
        }
        return Check.ok("clock", "within " + Math.max(1, skew.toSeconds()) + " s of the hub (Date header)");
    }

    Check credential(AgentIdentity identity, HubEndpoint endpoint) {
        try (HubClient hub = new HubClient(endpoint, identity.trust(), env, TIMEOUT, codec.mapper())) {
            new AccessTokens(hub, () -> identity, new ClientAssertion(clock, new SecureRandom(), codec.mapper()))
                    .fetch();
            return Check.ok(
                    "credential", "the hub at " + endpoint + " issued an access token to " + identity.agentId());
        } catch (HubRefusedException e) {
            return Check.fail(
                    "credential",
                    "the hub refused this agent: " + e.getMessage(),
                    "if revoked or unknown, re-enrol: enginex-agent register --force --server URL --token NEW_TOKEN;"
                            + " if clock_skew, fix the clock");
        } catch (HubUnreachableException e) {
            return Check.fail("credential", "no answer: " + e.getMessage(), "see the tcp and tls checks");
        }
    }

    /** How to ask the service manager about the service; a seam for tests. */
    @FunctionalInterface
    public interface ServiceState {
        Check check();
    }
}
