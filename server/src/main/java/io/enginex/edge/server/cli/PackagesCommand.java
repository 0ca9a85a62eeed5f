package io.enginex.edge.server.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.protocol.FrameLimits;
import io.enginex.edge.protocol.MessageCodec;
import io.enginex.edge.server.auth.HubSecret;
import io.enginex.edge.server.packages.Downloads;
import io.enginex.edge.server.packages.Publisher;
import io.enginex.edge.server.packages.SigningKey;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code engine packages}: the agent installers a hub serves under /downloads/ and in its apt and dnf
 * repositories. Local commands on the hub's data directory (run them on the hub's machine, as the user
 * the hub runs as); a running hub serves what they publish at once.
 */
@Command(
        name = "packages",
        description = "Publish the agent's installers (built elsewhere) to this hub: /downloads/, with checksums and"
                + " signatures, and signed apt and dnf repositories. Local: runs on the hub's data directory.",
        mixinStandardHelpOptions = true,
        subcommands = {PackagesCommand.Publish.class, PackagesCommand.ListFiles.class, PackagesCommand.Key.class},
        footerHeading = "%nExamples:%n",
        footer = {
            "  engine packages publish --data-dir /var/lib/enginex packaging/target/packages/0.1.0/*",
            "  engine packages list --data-dir /var/lib/enginex",
            "  engine packages key --data-dir /var/lib/enginex"
        })
final class PackagesCommand {
    private PackagesCommand() {}

    abstract static class Local implements Callable<Integer> {
        @Option(
                names = "--data-dir",
                paramLabel = "DIR",
                defaultValue = "${env:ENGINEX_HOME:-enginex-data}",
                description = "The hub's data directory. Default: $ENGINEX_HOME, else ./enginex-data.")
        Path dataDir;

        @Spec
        CommandSpec spec;

        final ObjectMapper mapper = MessageCodec.newMapper(FrameLimits.DEFAULT);

        @Override
        public final Integer call() {
            if (!Files.isDirectory(dataDir) || !Files.exists(dataDir.resolve("hub.secret"))) {
                throw new CliException(
                        dataDir + " is not a hub's data directory (no hub.secret); give the one engine serve uses:"
                                + " --data-dir DIR",
                        2);
            }
            try {
                run();
            } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
                // bad input, a missing or failing tool (gpg, apt-ftparchive…): the message names the fix
                throw new CliException(e.getMessage(), 1);
            }
            return 0;
        }

        abstract void run();

        void println(String line) {
            spec.commandLine().getOut().println(line);
            spec.commandLine().getOut().flush();
        }
    }

    @Command(
            name = "publish",
            description = "Publish installers (.deb, .rpm, .msi, .pkg) to this hub: each is copied, its SHA-256"
                    + " and detached signature written, the rpms signed, and the apt and dnf repositories remade and"
                    + " signed with the hub's package key (made on first use). Earlier files stay unless replaced by"
                    + " name. Needs gpg (gnupg), apt-ftparchive (apt-utils) for .debs, createrepo_c (createrepo-c)"
                    + " and rpmsign (rpm) for .rpms.",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {"  engine packages publish --data-dir /var/lib/enginex enginex-agent_0.1.0_amd64.deb"})
    static final class Publish extends Local {
        @Parameters(arity = "1..*", paramLabel = "FILE", description = "Installers to publish.")
        List<Path> files;

        @Override
        void run() {
            List<Path> installers = files.stream()
                    .filter(f -> !f.getFileName().toString().matches(".*\\.(txt|1|asc|sha256)$"))
                    .toList();
            var index = new Publisher(
                            dataDir,
                            mapper,
                            Clock.systemUTC(),
                            spec.commandLine().getOut())
                    .publish(installers);
            for (var d : index.files()) {
                println(String.format("  %-40s %10d  sha256:%s", d.name(), d.size(), d.sha256()));
            }
            println("Served at /downloads/ (apt: " + (index.apt() ? "yes" : "no") + ", dnf: "
                    + (index.dnf() ? "yes" : "no") + "). Signing key " + index.keyFingerprint() + ".");
        }
    }

    @Command(
            name = "list",
            description = "List the published installers with their SHA-256.",
            mixinStandardHelpOptions = true)
    static final class ListFiles extends Local {
        @Override
        void run() {
            var index = new Downloads(dataDir, mapper).index();
            if (index.isEmpty()) {
                println("Nothing published yet: engine packages publish FILE…");
                return;
            }
            index.get()
                    .files()
                    .forEach(d -> println(String.format("%-40s %10d  sha256:%s", d.name(), d.size(), d.sha256())));
            println("Published " + index.get().publishedAt() + "; signing key "
                    + index.get().keyFingerprint());
        }
    }

    @Command(
            name = "key",
            description = "Print the hub's package signing keys (ASCII-armored, the one in use first) and their"
                    + " fingerprints; makes the key if there is none yet. During a rotation the retiring key signs"
                    + " beside the new one.",
            mixinStandardHelpOptions = true,
            subcommands = {Key.Rotate.class, Key.Retire.class},
            footerHeading = "%nKey rotation (docs/RELEASING.md):%n",
            footer = {
                "  engine packages key rotate --data-dir /var/lib/enginex     a new key; both sign",
                "  (give the machines the new enginex-archive-keyring.gpg or .asc from /downloads/)",
                "  engine packages key retire --data-dir /var/lib/enginex FINGERPRINT   the old key goes"
            })
    static final class Key extends Local {
        @Override
        void run() {
            HubSecret secret = HubSecret.loadOrCreate(dataDir.resolve("hub.secret"), new SecureRandom());
            SigningKey key = SigningKey.openOrCreate(dataDir, secret);
            try {
                println("Fingerprint: " + key.fingerprint());
                key.retiring().forEach(r -> println("Retiring: " + r));
                println(new String(key.publicKey(true), StandardCharsets.US_ASCII).strip());
            } finally {
                key.close();
            }
        }

        @Command(
                name = "rotate",
                description = "Start a key rotation: make a new package key, which signs from now on, and re-sign"
                        + " what is published with both keys (the repositories' indexes carry two signatures, the"
                        + " served keyring both keys), so machines that trust either key keep updating. Then give"
                        + " the machines the new keyring and retire the old key.",
                mixinStandardHelpOptions = true)
        static final class Rotate extends Local {
            @Override
            void run() {
                var keys = new Publisher(
                                dataDir,
                                mapper,
                                Clock.systemUTC(),
                                spec.commandLine().getOut())
                        .rotateKey();
                println("New key in use: " + keys.inUse());
                keys.retiring().forEach(r -> println("Still signing beside it until retired: " + r));
                println(
                        keys.republished().isPresent()
                                ? "Re-signed what is published with both keys."
                                : "Nothing is published yet; the next publish signs with both keys.");
                println("Next: give the machines the new keyring (/downloads/enginex-archive-keyring.gpg for apt,"
                        + " .asc for dnf), then: engine packages key retire --data-dir " + dataDir + " "
                        + (keys.retiring().isEmpty()
                                ? "OLD-FINGERPRINT"
                                : keys.retiring().getFirst()));
            }
        }

        @Command(
                name = "retire",
                description = "End a key rotation: delete an older package key and re-sign what is published without"
                        + " it. Machines that trust only that key stop updating: give them the new keyring first.",
                mixinStandardHelpOptions = true)
        static final class Retire extends Local {
            @Parameters(
                    paramLabel = "FINGERPRINT",
                    description = "The retiring key's fingerprint, as engine packages key prints it.")
            String fingerprint;

            @Override
            void run() {
                var keys = new Publisher(
                                dataDir,
                                mapper,
                                Clock.systemUTC(),
                                spec.commandLine().getOut())
                        .retireKey(fingerprint);
                println("Retired " + fingerprint + "; key in use: " + keys.inUse()
                        + (keys.republished().isPresent() ? "; re-signed what is published." : "."));
            }
        }
    }
}
