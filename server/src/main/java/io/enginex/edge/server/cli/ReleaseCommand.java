package io.enginex.edge.server.cli;

import io.enginex.edge.common.tuf.TufException;
import io.enginex.edge.common.update.ChannelState;
import io.enginex.edge.server.update.Expiries;
import io.enginex.edge.server.update.ReleaseException;
import io.enginex.edge.server.update.UpdateRepository;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code engine release}: the hub's TUF update repository, worked on the files of the hub's data
 * directory (run it on the hub's machine, as the hub's account; a running hub serves each change at
 * once). Root keys are read only from the offline directory named on the command line.
 */
@Command(
        name = "release",
        description = "Agent releases: the signed (TUF) update repository the hub serves under /updates.",
        mixinStandardHelpOptions = true,
        subcommands = {
            ReleaseCommand.Keys.class,
            ReleaseCommand.Publish.class,
            ReleaseCommand.Promote.class,
            ReleaseCommand.Pause.class,
            ReleaseCommand.Resume.class,
            ReleaseCommand.Rollback.class,
            ReleaseCommand.Threshold.class,
            ReleaseCommand.Status.class,
            ReleaseCommand.Export.class
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  engine release keys init --data-dir /var/lib/enginex --offline /media/usb/enginex-root",
            "  engine release publish --channel stable --version 1.4.0 linux-x64=enginex-agent-1.4.0-linux-x64.tar.gz",
            "  engine release pause --channel stable",
            "  engine release rollback --channel stable",
            "  engine release status"
        })
final class ReleaseCommand {
    private ReleaseCommand() {}

    /** What every release command takes: where the repository and the online keys are. */
    abstract static class RepositoryCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(
                names = "--data-dir",
                paramLabel = "DIR",
                defaultValue = "${env:ENGINEX_HOME:-enginex-data}",
                description = "The hub's data directory; the repository is DIR/updates. Default: $ENGINEX_HOME, "
                        + "else ./enginex-data.")
        Path dataDir;

        @Option(
                names = "--keys",
                paramLabel = "DIR",
                description = "A directory holding online keys (targets.key …) kept away from the hub; repeatable."
                        + " DIR/updates/keys is always searched.")
        List<Path> keyDirs = new ArrayList<>();

        UpdateRepository repository() {
            return new UpdateRepository(UpdateRepository.dirOf(dataDir.toAbsolutePath()), Clock.systemUTC());
        }

        List<Path> keys(UpdateRepository repository) {
            List<Path> dirs = new ArrayList<>(keyDirs);
            dirs.add(repository.onlineKeysDir());
            return dirs;
        }

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        @Override
        public final Integer call() {
            try {
                run(repository());
                out().flush();
                return 0;
            } catch (ReleaseException | TufException | IllegalArgumentException e) {
                throw new CliException(e.getMessage());
            }
        }

        abstract void run(UpdateRepository repository);

        void printChannel(ChannelState c) {
            out().println("channel " + c.channel() + ": " + (c.version() == null ? "no version" : c.version())
                    + (c.percent() < 100 ? " for " + c.percent() + "% of its agents" : "")
                    + (c.paused() ? " (paused: agents keep their version)" : "")
                    + (c.withdrawn().isEmpty() ? "" : "; withdrawn " + c.withdrawn()));
            ChannelState.Halt halt = c.halt();
            if (c.activeHalt() != null) {
                out().println("  halted by the hub at " + halt.at() + ": " + halt.reason()
                        + " (engine release resume --channel " + c.channel() + " to go on, or rollback)");
            } else if (halt != null && halt.version().equals(c.version())) {
                out().println("  halted by the hub at " + halt.at() + " and resumed since: " + halt.reason());
            }
        }
    }

    @Command(
            name = "keys",
            description = "The repository's signing keys: make them, rotate root or online keys, renew root.",
            mixinStandardHelpOptions = true,
            subcommands = {Keys.Init.class, Keys.RotateRoot.class, Keys.RotateOnline.class, Keys.RenewRoot.class})
    static final class Keys {
        @Command(
                name = "init",
                description =
                        "Make the update repository: root keys (with a threshold) written to an offline directory,"
                                + " online targets/snapshot/timestamp keys in DATA_DIR/updates/keys, version 1 of every role.",
                mixinStandardHelpOptions = true,
                footerHeading = "%nExamples:%n",
                footer = {
                    "  engine release keys init --offline /media/usb/enginex-root --root-keys 3 --threshold 2",
                    "Then copy DATA_DIR/updates/metadata/root.json into the installers (the agent's pinned root)"
                            + " and keep the offline directory off the hub (split its root-N.key files between people)."
                })
        static final class Init extends RepositoryCommand {
            @Option(
                    names = "--offline",
                    required = true,
                    paramLabel = "DIR",
                    description = "An empty directory for the root keys (take it offline afterwards).")
            Path offline;

            @Option(
                    names = "--root-keys",
                    defaultValue = "3",
                    paramLabel = "N",
                    description = "How many root keys. Default: ${DEFAULT-VALUE}.")
            int rootKeys;

            @Option(
                    names = "--threshold",
                    defaultValue = "2",
                    paramLabel = "N",
                    description = "How many root keys must sign a new root. Default: ${DEFAULT-VALUE}.")
            int threshold;

            @Option(
                    names = "--targets-key-dir",
                    paramLabel = "DIR",
                    description =
                            "Write the targets key here instead of DATA_DIR/updates/keys: kept off the hub, a"
                                    + " compromised hub cannot sign software; publish and channel commands then take --keys DIR.")
            Path targetsKeyDir;

            @Option(
                    names = "--expires",
                    paramLabel = "ROLE=DURATION",
                    description =
                            "A role's lifetime (ISO-8601, e.g. timestamp=PT12H, root=P365D); repeatable. Defaults: root P365D, targets P90D, snapshot P7D, timestamp P1D.")
            Map<String, String> expires = new LinkedHashMap<>();

            @Override
            void run(UpdateRepository repository) {
                Expiries e = Expiries.DEFAULT;
                Map<String, Duration> d = new LinkedHashMap<>();
                for (String role : List.of("root", "targets", "snapshot", "timestamp")) {
                    d.put(role, e.of(role));
                }
                expires.forEach((role, text) -> {
                    if (!d.containsKey(role)) {
                        throw new CliException(
                                "--expires " + role + "=…: no role " + role
                                        + "; use root, targets, snapshot or timestamp",
                                CliException.USAGE);
                    }
                    try {
                        d.put(role, Duration.parse(text.toUpperCase(Locale.ROOT)));
                    } catch (java.time.format.DateTimeParseException ex) {
                        throw new CliException(
                                "--expires " + role + "=" + text + ": not an ISO-8601 duration such as PT12H or P90D",
                                CliException.USAGE);
                    }
                });
                var made = repository.init(
                        offline.toAbsolutePath(),
                        rootKeys,
                        threshold,
                        new Expiries(d.get("root"), d.get("targets"), d.get("snapshot"), d.get("timestamp")),
                        targetsKeyDir == null ? null : targetsKeyDir.toAbsolutePath());
                out().println("Update repository made at " + repository.dir() + ".");
                out().println("Root keys (" + made.threshold() + " of "
                        + made.rootKeyFiles().size() + " must sign a new root):");
                made.rootKeyFiles().forEach(f -> out().println("  " + f));
                out().println("Online keys in " + repository.onlineKeysDir() + ": "
                        + made.onlineKeyIds().keySet());
                out().println("Pin " + repository.metadataDir().resolve("1.root.json")
                        + " in the agent's installers (see docs/UPDATE.md),");
                out().println("then take " + offline + " off this machine.");
            }
        }

        @Command(
                name = "rotate-root",
                description =
                        "Replace the root keys: new keys in a new offline directory; the new root is signed by the"
                                + " threshold of the old keys and by the new ones.",
                mixinStandardHelpOptions = true,
                footerHeading = "%nExamples:%n",
                footer = {
                    "  engine release keys rotate-root --offline /media/usb/old-root --new-offline /media/usb/new-root"
                })
        static final class RotateRoot extends RepositoryCommand {
            @Option(
                    names = "--offline",
                    required = true,
                    paramLabel = "DIR",
                    description = "Holds at least the threshold of the current root keys.")
            Path offline;

            @Option(
                    names = "--new-offline",
                    required = true,
                    paramLabel = "DIR",
                    description = "An empty directory for the new root keys.")
            Path newOffline;

            @Option(
                    names = "--root-keys",
                    defaultValue = "3",
                    paramLabel = "N",
                    description = "How many new root keys. Default: ${DEFAULT-VALUE}.")
            int rootKeys;

            @Option(
                    names = "--threshold",
                    defaultValue = "2",
                    paramLabel = "N",
                    description = "New threshold. Default: ${DEFAULT-VALUE}.")
            int threshold;

            @Override
            void run(UpdateRepository repository) {
                int v = repository.rotateRoot(
                        offline.toAbsolutePath(), newOffline.toAbsolutePath(), rootKeys, threshold);
                out().println("Root version " + v + " names the new root keys in " + newOffline
                        + ". Agents move to it at their next check; the old keys sign nothing more.");
            }
        }

        @Command(
                name = "rotate-online",
                description = "Replace the online key of targets, snapshot or timestamp (e.g. after the hub was"
                        + " compromised): a new root version names the new key; needs the offline root keys.",
                mixinStandardHelpOptions = true,
                footerHeading = "%nExamples:%n",
                footer = {"  engine release keys rotate-online --role timestamp --offline /media/usb/enginex-root"})
        static final class RotateOnline extends RepositoryCommand {
            @Option(
                    names = "--role",
                    required = true,
                    paramLabel = "ROLE",
                    description = "targets, snapshot or timestamp.")
            String role;

            @Option(
                    names = "--offline",
                    required = true,
                    paramLabel = "DIR",
                    description = "Holds at least the threshold of the root keys.")
            Path offline;

            @Override
            void run(UpdateRepository repository) {
                int v = repository.rotateOnline(role, offline.toAbsolutePath(), keys(repository));
                out().println("Root version " + v + " trusts the new " + role
                        + " key; the old one signs nothing more.");
            }
        }

        @Command(
                name = "renew-root",
                description = "Sign root again with the same keys and a new expiry (before it expires; agents stop"
                        + " updating, never working, when it has).",
                mixinStandardHelpOptions = true,
                footerHeading = "%nExamples:%n",
                footer = {"  engine release keys renew-root --offline /media/usb/enginex-root"})
        static final class RenewRoot extends RepositoryCommand {
            @Option(
                    names = "--offline",
                    required = true,
                    paramLabel = "DIR",
                    description = "Holds at least the threshold of the root keys.")
            Path offline;

            @Override
            void run(UpdateRepository repository) {
                int v = repository.renewRoot(offline.toAbsolutePath());
                out().println("Root version " + v + " signed.");
            }
        }
    }

    @Command(
            name = "publish",
            description = "Add a version's files (one per OS and architecture) and point a channel at it.",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {
                "  engine release publish --channel stable --version 1.4.0 linux-x64=dist/enginex-agent-linux-x64.tar.gz",
                "  engine release publish --channel beta --version 1.5.0-rc.1 dist/enginex-agent-1.5.0-rc.1-linux-arm64.tar.gz",
                "A file's platform is PLATFORM=FILE, or read from its name (linux|windows|macos and x64|amd64|arm64|aarch64)."
            })
    static final class Publish extends RepositoryCommand {
        @Option(names = "--channel", required = true, paramLabel = "NAME", description = "e.g. stable or beta.")
        String channel;

        @Option(
                names = "--version",
                required = true,
                paramLabel = "VERSION",
                description = "MAJOR.MINOR.PATCH[-PRERELEASE].")
        String version;

        @Option(
                names = "--percent",
                defaultValue = "100",
                paramLabel = "N",
                description = "Roll out to N% of the channel's agents (each agent has a fixed bucket from its id):"
                        + " a canary ring first, then widen with promote --percent. Default: ${DEFAULT-VALUE}.")
        int percent;

        @Parameters(
                arity = "1..*",
                paramLabel = "FILE",
                description = "PLATFORM=FILE or FILE (platform from its name).")
        List<String> files;

        @Override
        void run(UpdateRepository repository) {
            Map<String, Path> artifacts = new LinkedHashMap<>();
            for (String f : files) {
                int eq = f.indexOf('=');
                String platform = eq > 0
                        ? f.substring(0, eq)
                        : Platforms.fromName(Path.of(f).getFileName().toString());
                Path path = Path.of(eq > 0 ? f.substring(eq + 1) : f);
                if (artifacts.put(platform, path) != null) {
                    throw new CliException(
                            "two files for " + platform + "; give one file per platform", CliException.USAGE);
                }
            }
            printChannel(repository.publish(channel, version, artifacts, percent, keys(repository)));
            out().println("Published " + version + " for " + artifacts.keySet() + ".");
        }
    }

    @Command(
            name = "promote",
            description = "Point a channel at a published, newer version, or widen the rollout of its current version.",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {
                "  engine release promote --channel stable --version 1.5.0 --percent 10   # canary ring",
                "  engine release promote --channel stable --version 1.5.0 --percent 50",
                "  engine release promote --channel stable --version 1.5.0                # everyone"
            })
    static final class Promote extends RepositoryCommand {
        @Option(names = "--channel", required = true, paramLabel = "NAME", description = "The channel.")
        String channel;

        @Option(
                names = "--percent",
                defaultValue = "100",
                paramLabel = "N",
                description = "Roll out to N% of the channel's agents (each agent has a fixed bucket from its id):"
                        + " a canary ring first, then widen with promote --percent. Default: ${DEFAULT-VALUE}.")
        int percent;

        @Option(names = "--version", required = true, paramLabel = "VERSION", description = "A published version.")
        String version;

        @Override
        void run(UpdateRepository repository) {
            printChannel(repository.promote(channel, version, percent, keys(repository)));
        }
    }

    @Command(
            name = "pause",
            description = "Stop updates on a channel: agents keep the version they run.",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {"  engine release pause --channel stable"})
    static final class Pause extends RepositoryCommand {
        @Option(names = "--channel", required = true, paramLabel = "NAME", description = "The channel.")
        String channel;

        @Override
        void run(UpdateRepository repository) {
            printChannel(repository.pause(channel, true, keys(repository)));
        }
    }

    @Command(
            name = "resume",
            description = "Let a paused channel's agents update again.",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {"  engine release resume --channel stable"})
    static final class Resume extends RepositoryCommand {
        @Option(names = "--channel", required = true, paramLabel = "NAME", description = "The channel.")
        String channel;

        @Override
        void run(UpdateRepository repository) {
            printChannel(repository.pause(channel, false, keys(repository)));
        }
    }

    @Command(
            name = "rollback",
            description = "Withdraw a channel's current version and go back to the one before;"
                    + " agents that run the withdrawn version go back too.",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {"  engine release rollback --channel stable"})
    static final class Rollback extends RepositoryCommand {
        @Option(names = "--channel", required = true, paramLabel = "NAME", description = "The channel.")
        String channel;

        @Override
        void run(UpdateRepository repository) {
            printChannel(repository.rollback(channel, keys(repository)));
        }
    }

    @Command(
            name = "status",
            description = "The channels, and each role's version and expiry.",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {"  engine release status --data-dir /var/lib/enginex"})
    static final class Status extends RepositoryCommand {
        @Override
        void run(UpdateRepository repository) {
            out().println("Repository " + repository.dir());
            for (var r : repository.roles()) {
                out().println("  " + r.role() + " version " + r.version() + ", expires " + r.expires());
            }
            for (ChannelState c : repository.channels()) {
                printChannel(c);
                out().println("  halts automatically when a ring's failure rate passes "
                        + repository.haltPercent(c.channel()) + " % (engine release threshold)");
            }
        }
    }

    @Command(
            name = "threshold",
            description = "Set the failure rate of a ring above which the hub halts the channel's rollout by itself"
                    + " (as pause does): failed or rolled-back agents over the agents that tried the release in that"
                    + " ring. Default " + UpdateRepository.DEFAULT_HALT_PERCENT + " %; 100 never halts.",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {"  engine release threshold --channel stable --failure-percent 10"})
    static final class Threshold extends RepositoryCommand {
        @Option(names = "--channel", required = true, paramLabel = "NAME", description = "The channel.")
        String channel;

        @Option(
                names = "--failure-percent",
                required = true,
                paramLabel = "N",
                description = "0 to 100: a ring whose failure rate is above N % halts the rollout.")
        int percent;

        @Override
        void run(UpdateRepository repository) {
            repository.haltPercent(channel, percent);
            out().println("Channel " + channel + " halts automatically when a ring's failure rate passes " + percent
                    + " %" + (percent == 100 ? " (never)." : "."));
        }
    }

    @Command(
            name = "export",
            description = "Copy the repository's public files (no keys) to a directory, for an"
                    + " air-gapped mirror or a CDN; serve it as the hub serves /updates.",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {"  engine release export --to /srv/mirror/updates"})
    static final class Export extends RepositoryCommand {
        @Option(
                names = "--to",
                required = true,
                paramLabel = "DIR",
                description = "Where to copy metadata/ and targets/.")
        Path to;

        @Override
        void run(UpdateRepository repository) {
            int n = repository.export(to.toAbsolutePath());
            out().println("Exported " + n + " files to " + to + " (metadata/ and targets/).");
        }
    }

    /** The platform a file's name says: linux|windows|macos and x64|arm64 (amd64, x86_64, aarch64 too). */
    static final class Platforms {
        private Platforms() {}

        static String fromName(String name) {
            String n = name.toLowerCase(Locale.ROOT);
            String os = n.contains("linux")
                    ? "linux"
                    : n.contains("macos") || n.contains("darwin")
                            ? "macos"
                            : n.contains("windows") || n.contains("win") ? "windows" : null;
            String arch = n.contains("arm64") || n.contains("aarch64")
                    ? "arm64"
                    : n.contains("x64") || n.contains("amd64") || n.contains("x86_64") ? "x64" : null;
            if (os == null || arch == null) {
                throw new CliException(
                        "cannot tell the platform of " + name + " from its name; give it as linux-x64=" + name,
                        CliException.USAGE);
            }
            return os + "-" + arch;
        }
    }
}
