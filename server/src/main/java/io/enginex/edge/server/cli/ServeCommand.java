package io.enginex.edge.server.cli;

import io.enginex.edge.server.Hub;
import io.enginex.edge.server.HubException;
import io.enginex.edge.server.config.HubConfig;
import io.enginex.edge.server.config.HumanDuration;
import io.enginex.edge.server.config.TlsConfig;
import io.enginex.edge.server.config.TrustedProxies;
import io.enginex.edge.server.http.PortInUseException;
import io.enginex.edge.server.registration.EnrolmentRate;
import io.enginex.edge.server.store.DatabaseConfig;
import io.enginex.edge.server.store.DatabaseUnavailableException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "serve",
        description = {
            "Run the hub: REST API, agent WebSocket, session pages.",
            "On first start it makes a platform admin key (<data-dir>/admin.key) and, unless --tls-cert is given, "
                    + "a self-signed certificate whose fingerprint agents pin."
        },
        mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n",
        footer = {
            "  engine serve                                   # HTTPS on 0.0.0.0:8443, embedded database",
            "  engine serve --bind 127.0.0.1 --port 0 --insecure-http --data-dir /tmp/hub",
            "  engine serve --tls-cert hub.pem --tls-key hub-key.pem --public-url https://hub.example.com \\",
            "      --db-url jdbc:postgresql://db:5432/enginex --db-user enginex --db-password-file /run/secrets/db"
        })
final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            defaultValue = "${env:ENGINEX_HOME:-enginex-data}",
            description = "Where the hub keeps its database, certificate, keys and hub.json. Default: $ENGINEX_HOME, "
                    + "else ./enginex-data.")
    Path dataDir;

    @Option(
            names = "--bind",
            paramLabel = "ADDR",
            defaultValue = "0.0.0.0",
            description = "Address to listen on. " + "Default: ${DEFAULT-VALUE}.")
    String bind;

    @Option(
            names = "--port",
            paramLabel = "N",
            defaultValue = "8443",
            description = "Port; 0 picks a free one " + "(see hub.json). Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(
            names = "--db-url",
            paramLabel = "URL",
            description = "JDBC URL (jdbc:postgresql://… for production). "
                    + "Default: an embedded H2 database under the data directory.")
    String dbUrl;

    @Option(names = "--db-user", paramLabel = "USER", description = "Database user.")
    String dbUser;

    @Option(names = "--db-password-file", paramLabel = "FILE", description = "File holding the database password.")
    Path dbPasswordFile;

    @Option(names = "--tls-cert", paramLabel = "PEM", description = "Certificate chain to serve (PEM).")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "Private key of --tls-cert (PEM, unencrypted).")
    Path tlsKey;

    @Option(
            names = "--insecure-http",
            description = "Serve plain HTTP; refused unless --bind is a loopback " + "address.")
    boolean insecureHttp;

    @Option(
            names = "--public-url",
            paramLabel = "URL",
            description =
                    "URL people and agents reach this hub by, " + "used in links. Default: from --bind and the port.")
    URI publicUrl;

    @Option(
            names = "--heartbeat",
            paramLabel = "DURATION",
            defaultValue = "15s",
            description = "How often the hub "
                    + "pings agents (e.g. 500ms, 15s, 2m); an agent silent for twice this is dropped. Default: "
                    + "${DEFAULT-VALUE}.")
    String heartbeat;

    @Option(
            names = "--unresponsive-after",
            paramLabel = "DURATION",
            defaultValue = "2m",
            description = "How long a connected agent may leave a job it was sent without an ack or progress "
                    + "before the hub shows it unresponsive instead of busy (1s to 1h). Default: ${DEFAULT-VALUE}.")
    String unresponsiveAfter;

    @Option(
            names = "--max-concurrent-jobs",
            paramLabel = "N",
            defaultValue = "256",
            description = "The most job creates in progress at once on this node, shared fairly between tenants"
                    + " (one tenant's burst cannot starve another). More are refused at once with 503 and"
                    + " Retry-After instead of queueing past their deadlines. Raise it when the hub's machine and"
                    + " database have room. Default: ${DEFAULT-VALUE}.")
    int maxConcurrentJobs;

    @Option(
            names = "--graph-output-max-bytes",
            paramLabel = "BYTES",
            defaultValue = "67108864",
            description = "The largest step output an agent may upload as a file (outputs over 64 KiB are files);"
                    + " a larger one is refused and stays on the machine. Default: ${DEFAULT-VALUE} (64 MiB).")
    long graphOutputMaxBytes;

    @Option(
            names = "--graph-outputs-tenant-max-bytes",
            paramLabel = "BYTES",
            defaultValue = "4294967296",
            description = "How much the step output files of one tenant may take on the hub together; a new one"
                    + " past it is refused. Default: ${DEFAULT-VALUE} (4 GiB).")
    long graphOutputsTenantMaxBytes;

    @Option(
            names = "--enrolment-rate-limit",
            paramLabel = "N/min",
            defaultValue = "10/min",
            description = "Agents that may enrol per minute from one source address with one valid registration"
                    + " token, unless the token (engine tokens create --rate-limit) or its tenant (engine tenants"
                    + " update --enrolment-rate-limit) sets its own. Attempts with unknown tokens stay limited per"
                    + " address whatever this says. Default: ${DEFAULT-VALUE}.")
    String enrolmentRateLimit;

    @Option(
            names = "--session-link-ttl",
            paramLabel = "DURATION",
            defaultValue = "7d",
            description = "How long a session page link (the API's pageUrl) works after it is issued; each "
                    + "user or API key keeps one link per session until it expires or is revoked (1m to 365d). "
                    + "Default: ${DEFAULT-VALUE}.")
    String sessionLinkTtl;

    @Option(
            names = "--node-name",
            paramLabel = "NAME",
            description = "This node's name, unique among the nodes that share a database (it is refused while a"
                    + " node of the same name runs). Default: the host name.")
    String nodeName;

    @Option(
            names = "--trusted-proxy",
            paramLabel = "CIDR",
            split = ",",
            description = "A load balancer in front of the hub (an address or CIDR block, e.g. 10.0.0.0/8;"
                    + " repeatable): for requests from it the client is the right-most X-Forwarded-For address that is"
                    + " not a trusted proxy, so per-address limits and audit see the real client. The header is"
                    + " ignored from anyone else. Default: none (the TCP peer is the client).")
    List<String> trustedProxies = new ArrayList<>();

    @Option(
            names = "--proxy-protocol",
            description = "Read the PROXY protocol header (v1 or v2, HAProxy's send-proxy-v2) that a load balancer"
                    + " passing TLS through sends before the handshake: the client it names is the client for"
                    + " per-address limits, audit and the agents' connection history. Read only from --trusted-proxy"
                    + " addresses (required with it); anyone else's connection is served as it is. Default: off.")
    boolean proxyProtocol;

    @Option(
            names = "--webhook-allow-private-targets",
            description = "Let tenant admins register webhook endpoints on loopback, private or link-local"
                    + " addresses, and over plain http://. Off by default: webhooks go only to public https://"
                    + " addresses, so no tenant can make the hub call services on its own network (SSRF). Turn it"
                    + " on only when every tenant admin may reach that network anyway (a single-team hub, tests).")
    boolean webhookAllowPrivateTargets;

    @Option(
            names = "--cluster-sweep",
            paramLabel = "DURATION",
            defaultValue = "10s",
            description = "With several nodes on one PostgreSQL: how often each node looks for queued jobs of its"
                    + " agents whose notification from another node was lost (1s to 1h). Jobs normally reach"
                    + " the agent's node at once by LISTEN/NOTIFY; this is the safety net. Default: ${DEFAULT-VALUE}.")
    String clusterSweep;

    @Option(
            names = "--log-format",
            paramLabel = "FORMAT",
            defaultValue = "text",
            description = "text or json. " + "Default: ${DEFAULT-VALUE}.")
    String logFormat;

    @Override
    public Integer call() throws InterruptedException {
        if (!logFormat.equals("text") && !logFormat.equals("json")) {
            throw new CliException("--log-format must be text or json; got " + logFormat, CliException.USAGE);
        }
        LogFormat.apply(logFormat);
        HubConfig config = config();
        Hub hub;
        try {
            hub = Hub.start(config);
        } catch (PortInUseException e) {
            throw new CliException(e.getMessage(), CliException.USAGE);
        } catch (DatabaseUnavailableException e) {
            throw new CliException(e.getMessage());
        } catch (UncheckedIOException | IllegalArgumentException e) {
            // Unreadable TLS files, a data directory that cannot be written: the message names the path.
            throw new CliException("cannot start the hub: " + e.getMessage());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            hub.close();
                            stopped.countDown();
                        },
                        "hub-shutdown"));
        banner(hub, config, spec.commandLine().getOut());
        stopped.await();
        return 0;
    }

    HubConfig config() {
        if (insecureHttp && (tlsCert != null || tlsKey != null)) {
            throw new CliException(
                    "--insecure-http serves plain HTTP and cannot be combined with --tls-cert/--tls-key;"
                            + " drop one of them",
                    CliException.USAGE);
        }
        try {
            TlsConfig tls = insecureHttp
                    ? TlsConfig.insecureHttp()
                    : tlsCert != null || tlsKey != null ? TlsConfig.pem(tlsCert, tlsKey) : TlsConfig.selfSigned();
            return HubConfig.builder(dataDir)
                    .bind(bind, port)
                    .database(database())
                    .tls(tls)
                    .publicUrl(publicUrl)
                    .heartbeat(HumanDuration.parse(heartbeat))
                    .unresponsiveAfter(HumanDuration.parse(unresponsiveAfter))
                    .maxConcurrentJobs(maxConcurrentJobs)
                    .sessionLinkTtl(HumanDuration.parse(sessionLinkTtl))
                    .nodeName(nodeName)
                    .clusterSweep(HumanDuration.parse(clusterSweep))
                    .trustedProxies(TrustedProxies.trusting(trustedProxies))
                    .proxyProtocol(proxyProtocol)
                    .webhooks(new HubConfig.WebhookConfig(
                            webhookAllowPrivateTargets, HubConfig.WebhookConfig.DEFAULT_RETRY_BASE))
                    .enrolmentRate(EnrolmentRate.parse(enrolmentRateLimit, "--enrolment-rate-limit"))
                    .graphOutputs(new HubConfig.GraphOutputLimits(graphOutputMaxBytes, graphOutputsTenantMaxBytes))
                    .build();
        } catch (IllegalArgumentException | HubException.BadRequest e) {
            throw new CliException(e.getMessage(), CliException.USAGE);
        }
    }

    private DatabaseConfig database() {
        if (dbUrl == null) {
            if (dbUser != null || dbPasswordFile != null) {
                throw new IllegalArgumentException("--db-user and --db-password-file need --db-url");
            }
            return null;
        }
        String password = "";
        if (dbPasswordFile != null) {
            try {
                password =
                        Files.readString(dbPasswordFile, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read --db-password-file " + dbPasswordFile + ": " + e);
            }
        }
        return DatabaseConfig.of(dbUrl, dbUser, password);
    }

    private static void banner(Hub hub, HubConfig config, PrintWriter out) {
        out.println("EngineX Edge hub " + Hub.version() + " — node " + config.nodeName());
        out.println("  listening   " + hub.url() + "  (bound to " + config.bindAddress() + ":" + hub.port() + ")");
        out.println("  database    " + config.database().dialect() + " "
                + config.database().redactedUrl());
        out.println("  data dir    " + config.dataDir());
        String pin = hub.fingerprint() == null ? "" : " --pin " + hub.fingerprint();
        if (hub.fingerprint() != null) {
            out.println("  TLS         " + (hub.selfSignedCertificate() ? "self-signed certificate" : "certificate")
                    + " " + hub.fingerprint());
        } else {
            out.println("  TLS         off (plain HTTP on loopback only)");
        }
        out.println("  agents      enginex-agent register --server " + hub.url() + " --token <exr_…>" + pin);
        if (hub.adminKeyCreated() != null) {
            out.println();
            out.println("Platform admin key written to " + hub.adminKeyCreated() + " (owner-only). Use it with engine "
                    + "tokens/tenants commands or as Bearer token.");
            out.println("First tenant and owner: engine admin create-owner --data-dir " + config.dataDir()
                    + " --tenant <id> --email <you@example.com> --create-tenant (prints a one-time password).");
        }
        out.flush();
    }
}
