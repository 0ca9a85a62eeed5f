package io.enginex.edge.agent.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The facts {@code enginex-agent status --json} prints and the local status page shows, in one JSON
 * shape: {@code {"stateDir","running","status":{…AgentStatus},"jobs":[…],"actions":[…],"log":[…]}}. Holds
 * no secrets ({@code actions} are the audit's tool calls: names, paths, outcomes, never arguments).
 */
public final class StatusReport {
    public static final int RECENT_JOBS = 10;
    public static final int LOG_LINES = 10;
    public static final int RECENT_ACTIONS = 10;

    /** How much of the end of {@code audit.jsonl} is read for the recent actions. */
    static final int AUDIT_TAIL_BYTES = 64 * 1024;

    /** The audit fields that say what a tool call acted on, in the order the first present one is shown. */
    private static final List<String> TARGETS = List.of("path", "from", "url", "app", "command", "user");

    private StatusReport() {}

    /**
     * @param status what the agent wrote, or empty when none ran yet
     * @param log the last log lines, newest last
     */
    public static ObjectNode json(
            Path stateDir, Optional<AgentStatus> status, boolean running, List<String> log, ObjectMapper mapper)
            throws IOException {
        ObjectNode node = mapper.createObjectNode();
        node.put("stateDir", stateDir.toString()).put("running", running);
        node.set("status", status.<JsonNode>map(mapper::valueToTree).orElse(null));
        ArrayNode jobs = node.putArray("jobs");
        recentJobs(stateDir.resolve("journal.jsonl"), mapper).forEach(jobs::add);
        ArrayNode actions = node.putArray("actions");
        recentActions(stateDir.resolve("audit.jsonl"), mapper).forEach(actions::add);
        ArrayNode lines = node.putArray("log");
        log.forEach(lines::add);
        return node;
    }

    /** The report of the running agent about itself, for its status page. */
    public static ObjectNode live(Path stateDir, AgentStatus status, List<String> log, ObjectMapper mapper) {
        try {
            return json(stateDir, Optional.of(status), true, log, mapper);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read the job journal in " + stateDir + ": " + e, e);
        }
    }

    /** Whether the status describes a live agent process. */
    public static boolean running(Optional<AgentStatus> status) {
        return status.map(s -> !s.state().equals("stopped")
                        && !s.state().equals("revoked")
                        && ProcessHandle.of(s.pid()).map(ProcessHandle::isAlive).orElse(false))
                .orElse(false);
    }

    /**
     * The service's last log lines from journald (the units set SyslogIdentifier=enginex-agent); empty
     * without systemd, without journalctl, or without permission to read the journal.
     */
    public static List<String> journalTail() {
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

    /**
     * The last {@link #RECENT_ACTIONS} tool calls of the local audit, newest last: {@code {"at","tool",
     * "target","outcome","code","jobId"}} ({@code target}: the path, URL, application or command the call
     * named; {@code code} only when refused or failed). Empty when there is no audit yet or it cannot be
     * read (the audit is the agent account's own, mode 600: another user's {@code status} sees none).
     */
    public static List<JsonNode> recentActions(Path audit, ObjectMapper mapper) {
        String tail;
        try (var file = java.nio.channels.FileChannel.open(audit)) {
            long size = file.size();
            long from = Math.max(0, size - AUDIT_TAIL_BYTES);
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate((int) (size - from));
            while (buffer.hasRemaining() && file.read(buffer, from + buffer.position()) >= 0) {
                // read until full or the end
            }
            tail = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
            if (from > 0) {
                tail = tail.substring(tail.indexOf('\n') + 1); // the first line is cut
            }
        } catch (IOException e) {
            return List.of();
        }
        List<JsonNode> calls = new ArrayList<>();
        for (String line : tail.split("\n")) {
            JsonNode entry;
            try {
                entry = mapper.readTree(line);
            } catch (IOException e) {
                continue; // a torn line
            }
            if (entry == null || entry.has("event") || !entry.has("tool") || !entry.has("outcome")) {
                continue; // pauses, sessions, secrets, consents: not tool calls
            }
            ObjectNode call = mapper.createObjectNode()
                    .put("at", entry.path("at").asText())
                    .put("tool", entry.path("tool").asText())
                    .put(
                            "target",
                            TARGETS.stream()
                                    .filter(entry::hasNonNull)
                                    .map(key -> entry.get(key).asText())
                                    .findFirst()
                                    .orElse(""))
                    .put("outcome", entry.path("outcome").asText());
            if (entry.has("code")) {
                call.put("code", entry.path("code").asText());
            }
            call.put("jobId", entry.path("jobId").asText());
            calls.add(call);
        }
        return calls.subList(Math.max(0, calls.size() - RECENT_ACTIONS), calls.size());
    }

    /** The last {@link #RECENT_JOBS} jobs of the journal: running ones (begun, not finished) and finished ones. */
    public static List<JsonNode> recentJobs(Path journal, ObjectMapper mapper) throws IOException {
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
