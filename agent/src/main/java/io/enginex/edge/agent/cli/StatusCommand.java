package io.enginex.edge.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.agent.service.AgentStatus;
import io.enginex.edge.agent.service.StatusFile;
import io.enginex.edge.agent.service.StatusReport;
import io.enginex.edge.agent.service.UpdateState;
import io.enginex.edge.protocol.MessageCodec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code enginex-agent status}: what the agent in a state directory is doing, from its status file and journal. */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = {
            "Shows the agent's connection state, hub, agent id and tenant, when it was last connected, the last"
                    + " error, whether the person at the machine paused it, how it is updated, its current and recent"
                    + " jobs, and the service's last log lines (journald). Reads the status file the running agent keeps"
                    + " in its state directory; needs read access to it (the service's is /var/lib/enginex-agent: use"
                    + " sudo, or open the status page: enginex-agent ui).",
            "Exit code 0 when the agent is running and connected, 1 otherwise."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  enginex-agent status",
            "  sudo enginex-agent status --state-dir /var/lib/enginex-agent",
            "  enginex-agent status --json"
        })
final class StatusCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--state-dir",
            paramLabel = "DIR",
            description = "The agent's state directory (default: $ENGINEX_AGENT_STATE_DIR, else the per-user state"
                    + " folder of this OS).")
    Path stateDir;

    @Option(names = "--json", description = "One JSON object instead of text.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        Path dir = StateDirectory.resolve(stateDir);
        ObjectMapper mapper = new MessageCodec().mapper();
        Optional<AgentStatus> read = new StatusFile(dir, mapper).read();
        boolean running = StatusReport.running(read);
        List<String> tail = StatusReport.journalTail();
        ObjectNode report = StatusReport.json(dir, read, running, tail, mapper);
        if (json) {
            out.println(mapper.writeValueAsString(report));
        } else if (read.isEmpty()) {
            out.println("No agent has run with state directory " + dir + " yet (no " + StatusFile.FILE_NAME + ").");
            out.println("Start it: enginex-agent run, or as a service: systemctl start enginex-agent");
        } else {
            print(read.get(), running, dir, report.path("jobs"), tail, out);
        }
        out.flush();
        return running && read.get().state().equals("connected") ? ExitCodes.OK : ExitCodes.FAILURE;
    }

    private static void print(
            AgentStatus s, boolean running, Path dir, JsonNode jobs, List<String> tail, PrintWriter out) {
        out.println("State:          " + (running ? s.state() : "not running (last: " + s.state() + ")") + " since "
                + s.since());
        out.println("Hub:            " + orDash(s.hub()));
        out.println("Agent:          " + orDash(s.agentId()) + " (tenant " + orDash(s.tenant()) + ")");
        out.println("Last connected: "
                + (s.lastConnectedAt() == null ? "never" : s.lastConnectedAt().toString()));
        out.println("Last error:     " + orDash(s.lastError()));
        out.println("Paused:         "
                + (s.paused() == null
                        ? "no (local actions allowed)"
                        : "yes, by " + s.paused().by() + " since " + s.paused().since()
                                + " (new jobs are refused; resume: enginex-agent resume)"));
        UpdateState update = s.update();
        out.println("Updates:        " + (update == null ? "-" : update.detail()));
        out.println("Version:        " + s.version() + ", pid " + s.pid() + ", state dir " + dir);
        out.println("Status page:    " + (s.ui() == null ? "off" : s.ui() + " (open it with: enginex-agent ui)"));
        out.println("Jobs (newest last):");
        if (jobs.isEmpty()) {
            out.println("  none yet");
        }
        for (JsonNode job : jobs) {
            out.println("  " + job.path("jobId").asText() + "  "
                    + job.path("state").asText() + "  started "
                    + job.path("startedAt").asText()
                    + (job.has("error") ? "  " + job.path("error").asText() : ""));
        }
        if (tail.isEmpty()) {
            out.println("Log: journalctl -u enginex-agent -n 50 (service), or the stderr of enginex-agent run");
        } else {
            out.println("Log (journald, last " + tail.size() + " lines; more: journalctl -u enginex-agent):");
            tail.forEach(line -> out.println("  " + line));
        }
    }

    private static String orDash(String value) {
        return value == null ? "-" : value;
    }
}
