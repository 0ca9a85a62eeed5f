package io.enginex.edge.agent.cli;

import io.enginex.edge.agent.identity.AgentIdentity;
import io.enginex.edge.agent.identity.ClientAssertion;
import io.enginex.edge.agent.identity.IdentityFile;
import io.enginex.edge.agent.identity.PendingEnrolment;
import io.enginex.edge.agent.identity.PendingEnrolmentFile;
import io.enginex.edge.agent.registration.KeyRotation;
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
        subcommands = {IdentityCommand.Show.class, IdentityCommand.Rotate.class},
        footerHeading = "%nExamples:%n",
        footer = {
            "  enginex-agent identity show",
            "  enginex-agent identity show --state-dir /var/lib/enginex-agent",
            "  enginex-agent identity rotate"
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
            out.println("Hub:         " + identity.hub());
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
