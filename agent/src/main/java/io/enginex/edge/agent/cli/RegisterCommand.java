package io.enginex.edge.agent.cli;

import io.enginex.edge.agent.HostInfo;
import io.enginex.edge.agent.identity.AgentIdentity;
import io.enginex.edge.agent.identity.IdentityFile;
import io.enginex.edge.agent.identity.PendingEnrolmentFile;
import io.enginex.edge.agent.registration.DeviceRegistration;
import io.enginex.edge.agent.registration.Registrar;
import io.enginex.edge.agent.transport.HubAddresses;
import io.enginex.edge.agent.transport.HubClient;
import io.enginex.edge.agent.transport.TrustSettings;
import io.enginex.edge.protocol.MessageCodec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code enginex-agent register}: enrol this machine with a hub, with a one-time token or, without
 * one, by a code an admin approves (device authorization grant).
 */
@Command(
        name = "register",
        mixinStandardHelpOptions = true,
        description = {
            "Registers this machine with an EngineX hub: makes a device key (the private key never leaves this"
                    + " machine) and trades a one-time registration token for an agent id. The token is not saved.",
            "Without --token it prints a short code and a URL; an admin of your hub approves the code (seeing this"
                    + " machine's name, OS, user and key fingerprint) and the agent is registered."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  enginex-agent register --server https://hub.example.com --token exr_…",
            "  enginex-agent register --server https://hub.example.com          (no token: an admin approves a code)",
            "  enginex-agent register --server https://hub.example.com --tenant acme   (waits in acme's queue)",
            "  enginex-agent register --server https://hub.local:8443 --pin sha256:AB:CD:… --token exr_…",
            "  enginex-agent register --server https://hub1.example.com,https://hub2.example.com --token exr_…"
                    + "   (a hub of several nodes)",
            "  echo \"$TOKEN\" | enginex-agent register --server https://hub.example.com --token -",
            "  enginex-agent register --force --server https://hub.example.com --token exr_…   (replace identity)"
        })
final class RegisterCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--server",
            required = true,
            paramLabel = "URL",
            split = ",",
            description = "The hub's URL, e.g. https://hub.example.com (http:// only for localhost). A hub of"
                    + " several nodes without a load balancer: repeat it or separate the URLs with commas; the agent"
                    + " spreads over them and moves on when one does not answer. All share --pin or --ca-file.")
    java.util.List<String> servers;

    @Option(
            names = "--token",
            paramLabel = "TOKEN",
            description = "The one-time registration token from your admin (engine tokens create). Use - to read"
                    + " it from standard input, which keeps it out of the shell history. Leave it out to have an admin"
                    + " approve a code instead.")
    String token;

    @Option(
            names = "--pin",
            paramLabel = "sha256:AB:CD:…",
            description = "Trust exactly the hub certificate with this SHA-256 fingerprint (printed by engine serve);"
                    + " for hubs with a self-signed certificate.")
    String pin;

    @Option(
            names = "--ca-file",
            paramLabel = "PEM",
            description = "Trust hub certificates signed by the CA in this PEM file.")
    Path caFile;

    @Option(
            names = "--state-dir",
            paramLabel = "DIR",
            description = "Where the identity is kept (default: $ENGINEX_AGENT_STATE_DIR, else the per-user state"
                    + " folder of this OS).")
    Path stateDir;

    @Option(
            names = "--tenant",
            paramLabel = "TENANT",
            description = "Without --token: the tenant to ask to join. Its admins then see this machine in their queue"
                    + " of devices waiting for approval (engine devices list --pending); without it only someone given"
                    + " the code can find it.")
    String tenant;

    @Option(names = "--force", description = "Replace an existing identity of this agent.")
    boolean force;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        HubAddresses endpoint = HubAddresses.parse(servers);
        TrustSettings trust = new TrustSettings(pin, caFile);
        Path dir = StateDirectory.resolve(stateDir);
        if (token != null && tenant != null) {
            throw new io.enginex.edge.agent.registration.RegistrationException(
                    "--tenant is for registering without a token (the token already names its tenant); drop one of"
                            + " them");
        }
        String secret = "-".equals(token) ? readToken() : token;
        if ("-".equals(token) && secret.isEmpty()) {
            throw new io.enginex.edge.agent.registration.RegistrationException(
                    "--token - read nothing from standard input; pipe the token in, or leave --token out to have an"
                            + " admin approve a code");
        }
        MessageCodec codec = new MessageCodec();
        try (HubClient hub = new HubClient(endpoint, trust, System.getenv(), Duration.ofSeconds(20), codec.mapper())) {
            Registrar registrar = new Registrar(
                    hub, new IdentityFile(dir, codec.mapper()), HostInfo.current(), Clock.systemUTC(), line -> {
                        out.println(line);
                        out.flush();
                    });
            AgentIdentity identity = token == null
                    ? new DeviceRegistration(
                                    hub,
                                    new IdentityFile(dir, codec.mapper()),
                                    new PendingEnrolmentFile(dir, codec.mapper()),
                                    HostInfo.current(),
                                    registrar,
                                    line -> {
                                        out.println(line);
                                        out.flush();
                                    },
                                    Thread::sleep,
                                    Clock.systemUTC())
                            .register(System.getProperty("user.name", ""), tenant, force)
                    : registrar.register(secret, force);
            String stateOption = stateDir == null ? "" : " --state-dir " + quote(dir.toString());
            out.println("Registered as " + identity.agentId() + " in tenant " + identity.tenant() + ".");
            out.println("Start it with: enginex-agent run" + stateOption + " --root <folder>");
            out.flush();
        }
        return ExitCodes.OK;
    }

    private static String readToken() throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line = in.readLine();
        return line == null ? "" : line.strip();
    }

    private static String quote(String path) {
        return path.contains(" ") ? "\"" + path + "\"" : path;
    }
}
