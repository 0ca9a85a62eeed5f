package io.enginex.edge.agent.cli;

import io.enginex.edge.agent.identity.AgentIdentity;
import io.enginex.edge.agent.identity.ClientAssertion;
import io.enginex.edge.agent.identity.IdentityFile;
import io.enginex.edge.agent.identity.PendingEnrolment;
import io.enginex.edge.agent.identity.PendingEnrolmentFile;
import io.enginex.edge.agent.registration.KeyRotation;
import io.enginex.edge.agent.transport.HubAddresses;
import io.enginex.edge.agent.transport.HubClient;
import io.enginex.edge.protocol.MessageCodec;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code enginex-agent identity}: look at this agent's identity. */
@Command(
        name = "identity",
        mixinStandardHelpOptions = true,
        description = "Shows this agent's identity, or replaces its device key.",
        subcommands = {IdentityCommand.Show.class, IdentityCommand.Rotate.class, IdentityCommand.Hubs.class},
        footerHeading = "%nExamples:%n",
        footer = {
            "  enginex-agent identity show",
            "  enginex-agent identity show --state-dir /var/lib/enginex-agent",
            "  enginex-agent identity rotate",
            "  enginex-agent identity hubs --set https://hub1.example.com,https://hub2.example.com"
        })
final class IdentityCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code enginex-agent identity show}. */
    @Command(
            name = "show",
            mixinStandardHelpOptions = true,
            description = "Prints the agent id, tenant, hub URL, trust settings, the device key's fingerprint and"
                    + " when it was made (never the private key). While a register without a token waits for"
                    + " approval, prints the code, the hub and the new key's fingerprint instead.",
            footerHeading = "%nExamples:%n",
            footer = {"  enginex-agent identity show"})
    static final class Show implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--state-dir", paramLabel = "DIR", description = "Where the identity is kept.")
        Path stateDir;

        @Override
        public Integer call() {
            Path dir = StateDirectory.resolve(stateDir);
            MessageCodec codec = new MessageCodec();
            IdentityFile file = new IdentityFile(dir, codec.mapper());
            var pending = new PendingEnrolmentFile(dir, codec.mapper()).read();
            if (!file.exists() && pending.isPresent()) {
                return showPending(pending.get());
            }
            if (!file.exists()) {
                spec.commandLine()
                        .getErr()
                        .println("error: this agent is not registered yet (no " + file.path()
                                + "): run enginex-agent register --server URL --token TOKEN");
                return ExitCodes.USAGE;
            }
            AgentIdentity identity = file.load();
            PrintWriter out = spec.commandLine().getOut();
            out.println("Agent id:    " + identity.agentId());
            out.println("Tenant:      " + identity.tenant());
            out.println("Labels:      " + (identity.labels().isEmpty() ? "-" : String.join(", ", identity.labels())));
            out.println("Hub:         "
                    + String.join(
                            ", ",
                            identity.hubs().all().stream().map(Object::toString).toList()));
            out.println("Trust:       " + identity.trust().describe());
            out.println("Key:         Ed25519 " + identity.fingerprint());
            out.println("Registered:  " + identity.registeredAt());
            out.println("Key made:    " + identity.keyCreatedAt() + " (run rotates it by --rotate-key-every)");
            out.println("File:        " + file.path());
            out.flush();
            return ExitCodes.OK;
        }

        private int showPending(PendingEnrolment p) {
            PrintWriter out = spec.commandLine().getOut();
            boolean expired = p.expired(java.time.Instant.now());
            out.println("Status:      "
                    + (expired
                            ? "not registered: the code expired at " + p.expiresAt()
                                    + "; run enginex-agent register again for a new one"
                            : "waiting for an admin to approve code " + p.userCode() + " (expires " + p.expiresAt()
                                    + ")"));
            out.println("Hub:         " + p.hub());
            out.println("Tenant:      " + (p.tenant() == null ? "- (any; none named)" : p.tenant()));
            if (p.verificationUriComplete() != null && !expired) {
                out.println("Approve at:  " + p.verificationUriComplete());
            }
            out.println("Key:         Ed25519 " + p.keyFingerprint() + " (the approval page shows the same)");
            out.println("Started:     " + p.startedAt());
            out.flush();
            return ExitCodes.OK;
        }
    }

    /** {@code enginex-agent identity hubs}: show or replace the hub's addresses. */
    @Command(
            name = "hubs",
            mixinStandardHelpOptions = true,
            description = {
                "Prints the hub's addresses this agent dials, one a line; with --set, replaces them (the identity"
                        + " and key stay). For a hub that gained, lost or moved nodes: no new registration is needed.",
                "Every address must be a node of the same hub (same database) and share the agent's --pin or"
                        + " --ca-file. A running agent follows within seconds, without a restart: it leaves an"
                        + " address no longer listed for the new list, and dials the new list at its next connection."
            },
            footerHeading = "%nExamples:%n",
            footer = {
                "  enginex-agent identity hubs",
                "  sudo -u enginex-agent enginex-agent identity hubs --state-dir /var/lib/enginex-agent \\",
                "      --set https://hub1.example.com:8443 --set https://hub2.example.com:8443"
            })
    static final class Hubs implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--state-dir", paramLabel = "DIR", description = "Where the identity is kept.")
        Path stateDir;

        @Option(
                names = "--set",
                paramLabel = "URL",
                split = ",",
                description = "The hub's addresses from now on: repeat it or separate URLs with commas. They replace"
                        + " the list; they are checked as register checks --server.")
        java.util.List<String> set;

        @Override
        public Integer call() {
            MessageCodec codec = new MessageCodec();
            IdentityFile file = new IdentityFile(StateDirectory.resolve(stateDir), codec.mapper());
            if (!file.exists()) {
                spec.commandLine()
                        .getErr()
                        .println("error: this agent is not registered yet (no " + file.path()
                                + "): run enginex-agent register --server URL --token TOKEN");
                return ExitCodes.USAGE;
            }
            AgentIdentity identity = file.load();
            PrintWriter out = spec.commandLine().getOut();
            if (set != null) {
                HubAddresses hubs;
                try {
                    hubs = HubAddresses.parse(set);
                } catch (IllegalArgumentException e) {
                    spec.commandLine().getErr().println("error: " + e.getMessage());
                    return ExitCodes.USAGE;
                }
                if (hubs.secure() != identity.hubs().secure()) {
                    spec.commandLine()
                            .getErr()
                            .println("error: the agent was registered with " + identity.hubs()
                                    + " and trusts it by " + identity.trust().describe() + "; a list that changes"
                                    + " between https:// and http:// needs a new registration: enginex-agent register"
                                    + " --force --server …");
                    return ExitCodes.USAGE;
                }
                // A key rotated meanwhile by a running agent is in the file: re-read, then write at once.
                file.save(file.load().withHubs(hubs));
                identity = file.load();
                out.println("# saved in " + file.path() + "; a running agent follows within seconds (no restart)");
            }
            identity.hubs().all().forEach(out::println);
            out.flush();
            return ExitCodes.OK;
        }
    }

    /** {@code enginex-agent identity rotate}. */
    @Command(
            name = "rotate",
            mixinStandardHelpOptions = true,
            description = "Makes a new device key and has the hub switch to it (signed by the current key, proven by"
                    + " the new one). A running agent (enginex-agent run) picks the new key up from the identity file at its"
                    + " next connection; no restart is needed. run also rotates by itself, see --rotate-key-every.",
            footerHeading = "%nExamples:%n",
            footer = {
                "  enginex-agent identity rotate",
                "  enginex-agent identity rotate --state-dir /var/lib/enginex-agent"
            })
    static final class Rotate implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--state-dir", paramLabel = "DIR", description = "Where the identity is kept.")
        Path stateDir;

        @Override
        public Integer call() {
            MessageCodec codec = new MessageCodec();
            IdentityFile file = new IdentityFile(StateDirectory.resolve(stateDir), codec.mapper());
            if (!file.exists()) {
                spec.commandLine()
                        .getErr()
                        .println("error: this agent is not registered yet (no " + file.path()
                                + "): run enginex-agent register --server URL --token TOKEN");
                return ExitCodes.USAGE;
            }
            AgentIdentity current = file.load();
            try (HubClient hub = new HubClient(
                    current.hubs(),
                    current.trust(),
                    System.getenv(),
                    java.time.Duration.ofSeconds(20),
                    codec.mapper())) {
                AgentIdentity rotated = new KeyRotation(
                                hub,
                                file,
                                new ClientAssertion(
                                        java.time.Clock.systemUTC(), new java.security.SecureRandom(), codec.mapper()),
                                java.time.Clock.systemUTC())
                        .rotate(current);
                PrintWriter out = spec.commandLine().getOut();
                out.println("Key rotated: " + current.fingerprint() + " -> " + rotated.fingerprint());
                out.flush();
            }
            return ExitCodes.OK;
        }
    }
}
