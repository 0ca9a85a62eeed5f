package io.enginex.edge.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.agent.service.AgentStatus;
import io.enginex.edge.agent.service.StatusFile;
import io.enginex.edge.protocol.MessageCodec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code enginex-agent status}: what the agent in a state directory is doing, from its status file and journal. */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = {
            "Shows the agent's connection state, hub, agent id and tenant, when it was last connected, the last"
                    + " error, its current and recent jobs, and the service's last log lines (journald). Reads the status file the running agent keeps in its"
                    + " state directory; needs read access to it (the service's is /var/lib/enginex-agent: use sudo).",
            "Exit code 0 when the agent is running and connected, 1 otherwise."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  enginex-agent status",
            "  sudo enginex-agent status --state-dir /var/lib/enginex-agent",
            "  enginex-agent status --json"
        })
final class StatusCommand implements Callable<Integer> {
    static final int RECENT_JOBS = 10;
    static final int LOG_LINES = 10;

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
        boolean running = read.map(s -> !isEnded(s.state())
                        && ProcessHandle.of(s.pid()).map(ProcessHandle::isAlive).orElse(false))
                .orElse(false);
        List<JsonNode> jobs = recentJobs(dir.resolve("journal.jsonl"), mapper);
        if (json) {
            ObjectNode node = mapper.createObjectNode();
            node.put("stateDir", dir.toString()).put("running", running);
            node.set("status", read.<JsonNode>map(mapper::valueToTree).orElse(null));
            ArrayNode array = node.putArray("jobs");
            jobs.forEach(array::add);
            ArrayNode log = node.putArray("log");
            logTail().forEach(log::add);
            out.println(mapper.writeValueAsString(node));
        } else if (read.isEmpty()) {
            out.println("No agent has run with state directory " + dir + " yet (no " + StatusFile.FILE_NAME + ").");
            out.println("Start it: enginex-agent run, or as a service: systemctl start enginex-agent");
        } else {
            AgentStatus s = read.get();
            out.println("State:          " + (running ? s.state() : "not running (last: " + s.state() + ")") + " since "
                    + s.since());
            out.println("Hub:            " + orDash(s.hub()));
            out.println("Agent:          " + orDash(s.agentId()) + " (tenant " + orDash(s.tenant()) + ")");
            out.println("Last connected: "
                    + (s.lastConnectedAt() == null
                            ? "never"
                            : s.lastConnectedAt().toString()));
            out.println("Last error:     " + orDash(s.lastError()));
            out.println("Version:        " + s.version() + ", pid " + s.pid() + ", state dir " + dir);
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
            List<String> tail = logTail();
            if (tail.isEmpty()) {
                out.println("Log: journalctl -u enginex-agent -n 50 (service), or the stderr of enginex-agent run");
            } else {
                out.println("Log (journald, last " + tail.size() + " lines; more: journalctl -u enginex-agent):");
                tail.forEach(line -> out.println("  " + line));
            }
        }
        out.flush();
        return running && read.get().state().equals("connected") ? ExitCodes.OK : ExitCodes.FAILURE;
    }

    /**
     * The service's last log lines from journald (the units set SyslogIdentifier=enginex-agent); empty
     * without systemd, without journalctl, or without permission to read the journal.
     */
    static List<String> logTail() {
        if (!Files.isDirectory(Path.of("/run/systemd/system"))) {
            return List.of();
        }
        try {
            Process process = new ProcessBuilder(
                            "journalctl",
                            "-t",
                            "enginex-agent",
                            "-n",
                            String.valueOf(LOG_LINES),
                            "--no-pager",
                            "-q",
                            "-o",
                            "short-iso")
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(5, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroy();
                return List.of();
            }
            return text.lines().filter(line -> !line.isBlank()).toList();
        } catch (IOException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    private static boolean isEnded(String state) {
        return state.equals("stopped") || state.equals("revoked");
    }

    private static String orDash(String value) {
        return value == null ? "-" : value;
    }

    /** The last {@link #RECENT_JOBS} jobs of the journal: running ones (begun, not finished) and finished ones. */
    static List<JsonNode> recentJobs(Path journal, ObjectMapper mapper) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(journal, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return List.of();
        }
        Map<String, ObjectNode> jobs = new LinkedHashMap<>();
        for (String line : lines) {
            JsonNode entry;
            try {
                entry = mapper.readTree(line);
            } catch (IOException e) {
                continue; // a torn last line while the agent writes
            }
            String id = entry.path("jobId").asText();
            if ("begin".equals(entry.path("op").asText())) {
                jobs.remove(id);
                jobs.put(
                        id,
                        mapper.createObjectNode()
                                .put("jobId", id)
                                .put("state", "running")
                                .put("startedAt", entry.path("at").asText()));
            } else if ("finish".equals(entry.path("op").asText())) {
                ObjectNode job =
                        jobs.computeIfAbsent(id, k -> mapper.createObjectNode().put("jobId", k));
                job.put("startedAt", entry.path("startedAt").asText());
                job.put("finishedAt", entry.path("finishedAt").asText());
                job.put("state", entry.has("error") ? "failed" : "succeeded");
                if (entry.has("error")) {
                    job.put("error", entry.path("error").path("code").asText());
                }
            }
        }
        List<JsonNode> all = new ArrayList<>(jobs.values());
        return all.subList(Math.max(0, all.size() - RECENT_JOBS), all.size());
    }
}
