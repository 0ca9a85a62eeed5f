package io.enginex.edge.agent.cli;

import io.enginex.edge.agent.audit.AuditLog;
import io.enginex.edge.agent.identity.AgentIdentity;
import io.enginex.edge.agent.identity.ClientAssertion;
import io.enginex.edge.agent.identity.IdentityException;
import io.enginex.edge.agent.identity.IdentityFile;
import io.enginex.edge.agent.journal.JobJournal;
import io.enginex.edge.agent.pause.PauseFile;
import io.enginex.edge.agent.registration.Deregistration;
import io.enginex.edge.agent.registration.RegistrationException;
import io.enginex.edge.agent.service.StatusFile;
import io.enginex.edge.agent.transport.HubClient;
import io.enginex.edge.agent.vault.Vault;
import io.enginex.edge.agent.vault.VaultException;
import io.enginex.edge.protocol.MessageCodec;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code enginex-agent deregister}: the agent leaves its hub (signed with its device key), then
 * deletes its identity. Uninstallers call it; it must stay safe to run twice and on a machine that
 * was never registered.
 */
@Command(
        name = "deregister",
        mixinStandardHelpOptions = true,
        description = {
            "Tells the hub this agent is leaving, proving it holds the device key (as connecting does): the hub"
                    + " revokes the agent, closes its connection and records it in its audit log. Then deletes this"
                    + " agent's identity (its private key), job journal, status and pause files, and wipes the local"
                    + " vault and its key (also with --keep-state); the local audit log (audit.jsonl) stays. A running"
                    + " agent is disconnected by the hub, wipes its vault too, and stops.",
            "When the hub cannot be reached, nothing is deleted unless --force is given. Exit code 0 when"
                    + " deregistered, already revoked, or not registered at all; 1 otherwise."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  enginex-agent deregister",
            "  sudo enginex-agent deregister --state-dir /var/lib/enginex-agent",
            "  enginex-agent deregister --force        (hub gone for good: delete the identity anyway)",
            "  enginex-agent deregister --keep-state   (keep every file, e.g. for an investigation)"
        })
final class DeregisterCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--state-dir",
            paramLabel = "DIR",
            description = "The agent's state directory (default: $ENGINEX_AGENT_STATE_DIR, else the per-user state"
                    + " folder of this OS; the service's is /var/lib/enginex-agent).")
    Path stateDir;

    @Option(
            names = "--keep-state",
            description = "Deregister at the hub but keep every file in the state directory (the identity is"
                    + " useless afterwards: the hub refuses it) except the vault, which is wiped all the same.")
    boolean keepState;

    @Option(
            names = "--force",
            description = "When the hub cannot be reached or refuses, delete the local identity anyway. The hub"
                    + " still lists the agent until an operator revokes it (engine agents revoke …).")
    boolean force;

    @Override
    public Integer call() {
        return run(spec, StateDirectory.resolve(stateDir), keepState, force);
    }

    /** Shared with {@code service uninstall --deregister}. */
    static int run(CommandLine.Model.CommandSpec spec, Path dir, boolean keepState, boolean force) {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        MessageCodec codec = new MessageCodec();
        IdentityFile file = new IdentityFile(dir, codec.mapper());
        if (!file.exists()) {
            out.println("This agent is not registered (no " + file.path() + "); nothing to deregister.");
            out.flush();
            return ExitCodes.OK;
        }
        AgentIdentity identity;
        try {
            identity = file.load();
        } catch (IdentityException e) {
            if (!force) {
                throw e;
            }
            err.println("warning: " + e.getMessage() + "; deleting it anyway (--force)");
            err.flush();
            deleteState(dir, keepState, out);
            return ExitCodes.OK;
        }
        try (HubClient hub = new HubClient(
                identity.hubs(), identity.trust(), System.getenv(), Duration.ofSeconds(20), codec.mapper())) {
            Deregistration.Outcome outcome = new Deregistration(
                            hub, new ClientAssertion(Clock.systemUTC(), new SecureRandom(), codec.mapper()))
                    .deregister(identity);
            out.println(
                    outcome == Deregistration.Outcome.DEREGISTERED
                            ? "Deregistered agent " + identity.agentId() + " (tenant " + identity.tenant() + ") from "
                                    + identity.hub() + "."
                            : "The hub " + identity.hub() + " had already revoked agent " + identity.agentId()
                                    + "; nothing left to do there.");
        } catch (RegistrationException e) {
            if (!force) {
                err.println("error: " + e.getMessage() + ". Nothing was deleted. Try again when the hub is reachable,"
                        + " or delete this machine's identity anyway with --force (then an operator revokes the agent"
                        + " on the hub: engine agents revoke --tenant " + identity.tenant() + " " + identity.agentId()
                        + ").");
                err.flush();
                return ExitCodes.FAILURE;
            }
            err.println("warning: " + e.getMessage() + ". Deleting the local identity anyway (--force); revoke the"
                    + " agent on the hub: engine agents revoke --tenant "
                    + identity.tenant() + " " + identity.agentId());
            err.flush();
        }
        deleteState(dir, keepState, out);
        return ExitCodes.OK;
    }

    /** A deregistered agent keeps no credentials, whatever else is kept: the vault and its key go. */
    private static void wipeVault(Path dir, PrintWriter out) {
        SecretsCommand.Where where = new SecretsCommand.Where();
        where.stateDir = dir;
        AuditLog audit = where.audit();
        try {
            if (where.vault(audit).wipe()) {
                audit.recordVault("vault.wiped", null, "deregistration", "cli");
                out.println("wiped the vault " + dir.resolve(Vault.FILE) + " and its key");
            }
        } catch (VaultException e) {
            out.println("warning: the vault could not be wiped (" + e.getMessage() + "); delete "
                    + dir.resolve(Vault.FILE) + " by hand");
        }
    }

    private static void deleteState(Path dir, boolean keepState, PrintWriter out) {
        wipeVault(dir, out);
        if (keepState) {
            out.println("Kept the state directory " + dir + " (--keep-state).");
            out.flush();
            return;
        }
        try {
            for (String name : List.of(
                    IdentityFile.FILE_NAME,
                    JobJournal.FILE_NAME,
                    StatusFile.FILE_NAME,
                    PauseFile.FILE_NAME,
                    io.enginex.edge.agent.usersession.SessionEventRecord.FILE_NAME)) {
                if (Files.deleteIfExists(dir.resolve(name))) {
                    out.println("deleted " + dir.resolve(name));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot delete the agent's files in " + dir + " (" + e.getMessage()
                            + "); run as the agent's user or with administrator rights (sudo)",
                    e);
        }
        out.flush();
    }
}
