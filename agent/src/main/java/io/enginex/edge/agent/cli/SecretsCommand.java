package io.enginex.edge.agent.cli;

import io.enginex.edge.agent.audit.AuditLog;
import io.enginex.edge.agent.vault.KeyStores;
import io.enginex.edge.agent.vault.SecretEntry;
import io.enginex.edge.agent.vault.Vault;
import io.enginex.edge.agent.vault.VaultException;
import io.enginex.edge.protocol.MessageCodec;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code enginex-agent secrets}: the local vault, from a terminal of the agent's account. Every
 * change is one line of the agent's audit log (the secret's name, never its value).
 */
@Command(
        name = "secrets",
        mixinStandardHelpOptions = true,
        description = {
            "The local vault (vault.json in the state directory, sealed with AES-256-GCM under a key from this"
                    + " machine's keystore): secrets that tools use by name, for systems only this machine reaches."
                    + " A job names one as \"secret:NAME\" in an exec environment variable or an http.request header;"
                    + " the agent puts the value in at the last moment, only if the machine policy's \"secrets\""
                    + " allows it for that tool, and the value never appears in a result, the journal or a log.",
            ""
        },
        subcommands = {
            SecretsCommand.Set.class,
            SecretsCommand.ListSecrets.class,
            SecretsCommand.Remove.class,
            SecretsCommand.Wipe.class
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  enginex-agent secrets set erp-token                  (type the value; it is not shown)",
            "  enginex-agent secrets set erp-token --from-file token.txt --expires-in 8h",
            "  enginex-agent secrets list",
            "  enginex-agent secrets remove erp-token",
            "  sudo -u enginex-agent enginex-agent secrets set erp-db --state-dir /var/lib/enginex-agent"
        })
final class SecretsCommand {
    private SecretsCommand() {}

    /** {@code --state-dir}, shared by the subcommands. */
    static final class Where {
        @Option(
                names = "--state-dir",
                paramLabel = "DIR",
                description = "The agent's state directory (default: $ENGINEX_AGENT_STATE_DIR, else the per-user"
                        + " state folder of this OS; the service's is /var/lib/enginex-agent: run as its account).")
        Path stateDir;

        Path dir() {
            return StateDirectory.resolve(stateDir);
        }

        Vault vault(AuditLog audit) {
            Path dir = dir();
            return new Vault(
                    dir,
                    KeyStores.forThisMachine(dir),
                    Clock.systemUTC(),
                    new SecureRandom(),
                    new MessageCodec().mapper(),
                    name -> audit.recordVault("secret.expired", name, "expiry", "cli"));
        }

        AuditLog audit() {
            return new AuditLog(dir(), 10L << 20, 5, Clock.systemUTC(), new MessageCodec().mapper());
        }
    }

    /** Runs {@code action}, turning a vault problem into an error message and exit code 1. */
    static int guarded(CommandLine.Model.CommandSpec spec, Callable<Integer> action) throws Exception {
        try {
            return action.call();
        } catch (VaultException e) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("error: " + e.getMessage());
            err.flush();
            return ExitCodes.FAILURE;
        }
    }

    @Command(
            name = "set",
            mixinStandardHelpOptions = true,
            description = {
                "Stores a secret under NAME, replacing one of that name. The value is read from the terminal without"
                        + " showing it, or from standard input when it is not a terminal (one trailing newline is"
                        + " dropped), or from --from-file. It is never taken from the command line, where it would"
                        + " land in shell history and the process list.",
                "The first secret creates the vault and its key: in the kernel keyring on Linux (keyctl, package"
                        + " keyutils), else, only where no keystore is usable, in vault.key beside it (said when it"
                        + " happens). Windows DPAPI and the macOS Keychain are not supported yet."
            },
            footerHeading = "%nExamples:%n",
            footer = {
                "  enginex-agent secrets set erp-token",
                "  printf %s \"$TOKEN\" | enginex-agent secrets set erp-token --expires-in 8h",
                "  enginex-agent secrets set erp-db --from-file /run/secrets/erp-db --expires-at 2027-01-31T00:00:00Z"
            })
    static final class Set implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        Where where = new Where();

        @Parameters(
                index = "0",
                paramLabel = "NAME",
                description = "The secret's name (letters, digits, '.', '_', '-').")
        String name;

        @Parameters(index = "1..*", arity = "0..*", hidden = true)
        List<String> refused;

        @Option(
                names = "--from-file",
                paramLabel = "FILE",
                description = "Read the value from FILE (one trailing" + " newline is dropped).")
        Path fromFile;

        @Option(
                names = "--expires-in",
                paramLabel = "DURATION",
                converter = DurationConverter.class,
                description = "Remove the secret this long from now (e.g. 8h, 30d), even while the agent is offline.")
        Duration expiresIn;

        @Option(
                names = "--expires-at",
                paramLabel = "TIME",
                description = "Remove the secret at this UTC time (ISO-8601, e.g. 2027-01-31T00:00:00Z).")
        Instant expiresAt;

        @Option(
                names = "--key-store",
                paramLabel = "STORE",
                defaultValue = KeyStores.AUTO,
                description = "Where a NEW vault keeps its key: auto (default: the service's systemd credential"
                        + " enginex-vault-key when it has one, else this OS's keystore, else a key file),"
                        + " systemd-credential, kernel-keyring, or file (a key file beside the vault: anyone who can"
                        + " read the state directory can read the secrets). An existing vault keeps its own.")
        String keyStore;

        /** Where the value comes from; tests put their own. */
        SecretInput input = SecretInput.system();

        @Override
        public Integer call() throws Exception {
            if (refused != null && !refused.isEmpty()) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(),
                        "the value is never taken from the command line (shell history and the process list would keep"
                                + " it); type it when asked, pipe it on standard input, or use --from-file FILE");
            }
            if (expiresIn != null && expiresAt != null) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "give --expires-in or --expires-at, not both");
            }
            return guarded(spec, this::store);
        }

        private int store() {
            String value = input.read(fromFile, "Value of secret " + name + " (not shown): ");
            Instant expires = expiresIn != null ? Instant.now().plus(expiresIn) : expiresAt;
            AuditLog audit = where.audit();
            Vault.Stored stored = where.vault(audit).set(name, value, expires, keyStore);
            audit.recordVault("secret.set", name, LocalUiOptions.user(), "cli");
            PrintWriter out = spec.commandLine().getOut();
            if (stored.warning() != null) {
                spec.commandLine().getErr().println("warning: " + stored.warning());
                spec.commandLine().getErr().flush();
            }
            out.println((stored.replaced() ? "Replaced" : "Stored") + " secret " + name
                    + (expires == null ? "" : " (expires " + expires + ")") + "; its key is in " + stored.keyStore()
                    + ". Tools may use it only where the machine policy's \"secrets\" allows (docs/POLICY.md).");
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "Lists the vault's secrets: name, when set and when it expires. Never the values. Expired"
                    + " secrets are removed first. The listing is audited.",
            footerHeading = "%nExamples:%n",
            footer = {"  enginex-agent secrets list"})
    static final class ListSecrets implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        Where where = new Where();

        @Override
        public Integer call() throws Exception {
            return guarded(spec, () -> {
                PrintWriter out = spec.commandLine().getOut();
                AuditLog audit = where.audit();
                List<SecretEntry> entries = where.vault(audit).list();
                audit.recordVault("secrets.listed", null, LocalUiOptions.user(), "cli");
                if (entries.isEmpty()) {
                    out.println("The vault has no secrets (" + where.dir().resolve(Vault.FILE) + ").");
                }
                for (SecretEntry e : entries) {
                    out.println(e.name() + "    set " + e.created() + "    "
                            + (e.expires() == null ? "never expires" : "expires " + e.expires()));
                }
                out.flush();
                return ExitCodes.OK;
            });
        }
    }

    @Command(
            name = "remove",
            mixinStandardHelpOptions = true,
            description = "Removes the secret NAME from the vault. Exit code 1 when there is none of that name.",
            footerHeading = "%nExamples:%n",
            footer = {"  enginex-agent secrets remove erp-token"})
    static final class Remove implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        Where where = new Where();

        @Parameters(index = "0", paramLabel = "NAME", description = "The secret's name.")
        String name;

        @Override
        public Integer call() throws Exception {
            return guarded(spec, () -> {
                AuditLog audit = where.audit();
                if (!where.vault(audit).remove(name)) {
                    spec.commandLine()
                            .getErr()
                            .println("error: the vault has no secret " + name + "; see enginex-agent secrets list");
                    spec.commandLine().getErr().flush();
                    return ExitCodes.FAILURE;
                }
                audit.recordVault("secret.removed", name, LocalUiOptions.user(), "cli");
                spec.commandLine().getOut().println("Removed secret " + name + ".");
                spec.commandLine().getOut().flush();
                return ExitCodes.OK;
            });
        }
    }

    @Command(
            name = "wipe",
            mixinStandardHelpOptions = true,
            description = "Deletes the whole vault and its key (from the keystore, or vault.key), also when the vault"
                    + " can no longer be opened (its key lost at a reboot, a damaged file). The agent does the same"
                    + " when it is deregistered or the hub revokes it.",
            footerHeading = "%nExamples:%n",
            footer = {"  enginex-agent secrets wipe"})
    static final class Wipe implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        Where where = new Where();

        @Override
        public Integer call() throws Exception {
            return guarded(spec, () -> {
                AuditLog audit = where.audit();
                boolean had = where.vault(audit).wipe();
                if (had) {
                    audit.recordVault("vault.wiped", null, LocalUiOptions.user(), "cli");
                }
                spec.commandLine().getOut().println(had ? "Wiped the vault and its key." : "There is no vault here.");
                spec.commandLine().getOut().flush();
                return ExitCodes.OK;
            });
        }
    }
}
