package io.enginex.edge.server.cli;

import io.enginex.edge.server.config.HumanDuration;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "top",
        description = {
            "A live view of a tenant's agents and jobs: agents (online, offline, never connected; OS, version, last"
                    + " seen), jobs awaiting approval and recent jobs. Approve or deny a waiting job from the"
                    + " terminal.",
            "Jobs change live through the tenant's job event stream; agents are read again every --interval"
                    + " (the API has no stream of agents coming and going).",
            "Where the terminal cannot draw (output not a terminal, TERM=dumb, or --plain) the tables are"
                    + " printed once, or with --watch again whenever they change.",
            "",
            "Keys:",
            "  Tab / Shift-Tab   next / previous pane (agents, pending approvals, recent jobs)",
            "  ↑ ↓  j k          move; PgUp PgDn, Home End (g G) jump",
            "  /                 filter (agent name, label or state, tool, job id); Enter keeps, Esc cancels",
            "  Esc               clear the filter",
            "  a / d             approve / deny the selected pending job: asks a reason, then y/n",
            "  r                 read the hub now",
            "  q, Ctrl-C         quit",
            "Errors (hub unreachable, key refused) show in the status line with what to do; the view recovers by"
                    + " itself when the hub is back.",
            ""
        },
        mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n",
        footer = {
            "  engine top --tenant acme",
            "  engine top --tenant acme --filter finance",
            "  engine top --tenant acme --plain",
            "  engine top --tenant acme --plain --watch --interval 10s >> top.log"
        })
final class TopCommand extends ClientCommand {
    @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant id.")
    String tenant;

    @Option(
            names = "--interval",
            paramLabel = "DURATION",
            defaultValue = "2s",
            description = "How often agents (and everything else) are read again, e.g. 2s, 1m; jobs also change at "
                    + "once on their events (default: ${DEFAULT-VALUE}).")
    String interval;

    @Option(
            names = "--filter",
            paramLabel = "TEXT",
            description = "Show only rows containing TEXT (agent name, label or state, tool, job id); `/` changes it.")
    String filter;

    @Option(names = "--plain", description = "Print tables instead of drawing the full-screen view.")
    boolean plain;

    @Option(
            names = "--watch",
            description = "With the plain output: keep running and print the tables again whenever they change.")
    boolean watch;

    @Override
    void run(HubClient hub) {
        Duration every = every();
        Clock clock = Clock.systemUTC();
        Terminal terminal = plain || options.json ? null : terminal();
        if (terminal != null) {
            try (terminal) {
                new TopScreen(
                                terminal,
                                new TopView(tenant, hub.base().toString(), every, filter, clock),
                                hub,
                                tenant,
                                every,
                                clock)
                        .run();
            } catch (IOException e) {
                throw new CliException("cannot restore the terminal: " + e.getMessage());
            }
            return;
        }
        TopFeed feed = new TopFeed(hub, tenant, every, clock, null);
        if (!watch) {
            print(feed.read());
            return;
        }
        watch(hub, every, clock);
    }

    private Duration every() {
        try {
            Duration d = HumanDuration.parse(interval);
            if (d.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new CliException("--interval must be at least 1s, e.g. --interval 2s", CliException.USAGE);
            }
            return d;
        } catch (IllegalArgumentException e) {
            throw new CliException("--interval: " + e.getMessage(), CliException.USAGE);
        }
    }

    /**
     * The terminal to draw on, or null when it cannot draw: TERM unset or {@code dumb}, output not a
     * terminal, or no way to put it in raw mode (JLine's {@code exec} provider runs {@code stty}).
     */
    private static Terminal terminal() {
        String term = System.getenv("TERM");
        if (term == null || term.isBlank() || term.startsWith("dumb")) {
            return null;
        }
        try {
            Terminal t = TerminalBuilder.builder()
                    .system(true)
                    .provider("exec")
                    .dumb(true)
                    .build();
            if (t.getType().startsWith("dumb")
                    || t.getSize().getColumns() <= 0
                    || t.getSize().getRows() <= 0) {
                t.close();
                return null;
            }
            return t;
        } catch (IOException | IllegalStateException e) {
            return null;
        }
    }

    private void print(TopSnapshot s) {
        if (options.json) {
            var node = mapper.createObjectNode();
            node.set("agents", mapper.valueToTree(s.agents()));
            node.set("pending", mapper.valueToTree(s.pending()));
            node.set("jobs", mapper.valueToTree(s.jobs()));
            printedJson(node);
            return;
        }
        TopTables.print(s, filter == null ? "" : filter, out());
    }

    /** Prints the tables whenever they change, and each new failure on stderr, until interrupted. */
    private void watch(HubClient hub, Duration every, Clock clock) {
        var inbox = new LinkedBlockingQueue<Object>();
        TopFeed feed = new TopFeed(hub, tenant, every, clock, new TopFeed.Listener() {
            @Override
            public void snapshot(TopSnapshot snapshot) {
                inbox.add(snapshot);
            }

            @Override
            public void failed(String message) {
                inbox.add(new CliException(message));
            }

            @Override
            public void live(boolean live) {}
        });
        feed.start(true);
        String printed = null;
        String failure = null;
        try (feed) {
            while (true) {
                Object news = inbox.take();
                if (news instanceof CliException e) {
                    if (!e.getMessage().equals(failure)) {
                        spec.commandLine().getErr().println("engine: " + e.getMessage());
                        spec.commandLine().getErr().flush();
                    }
                    failure = e.getMessage();
                    continue;
                }
                failure = null;
                TopSnapshot s = (TopSnapshot) news;
                var text = new java.io.StringWriter();
                TopTables.print(s, filter == null ? "" : filter, new java.io.PrintWriter(text));
                if (!Objects.equals(text.toString(), printed)) {
                    out().println("--- " + s.at());
                    out().print(text);
                    out().flush();
                    printed = text.toString();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
