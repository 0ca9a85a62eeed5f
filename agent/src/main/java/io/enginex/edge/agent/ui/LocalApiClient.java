package io.enginex.edge.agent.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How {@code enginex-agent ui|pause|resume} reach the running agent's status page: find a {@code
 * ui.json} of a live agent among the candidate directories, then call the page with its secret. Not
 * thread-safe; one per command.
 */
public final class LocalApiClient implements AutoCloseable {
    private final UiFile.Contents ui;
    private final Path file;
    private final HttpClient http;
    private final ObjectMapper mapper;

    private LocalApiClient(UiFile.Contents ui, Path file, ObjectMapper mapper) {
        this.ui = ui;
        this.file = file;
        this.mapper = mapper;
        this.http = HttpClient.newBuilder()
                .proxy(HttpClient.Builder.NO_PROXY)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /**
     * Finds the running agent's page.
     *
     * @param dirs where {@code ui.json} may be, in order of preference
     * @throws IllegalStateException naming what was looked at and what to do, when no live agent's
     *     file can be read
     */
    public static LocalApiClient find(List<Path> dirs, ObjectMapper mapper) {
        List<String> seen = new ArrayList<>();
        boolean denied = false;
        for (Path dir : dirs) {
            UiFile file = new UiFile(dir, mapper);
            Optional<UiFile.Contents> read;
            try {
                read = file.read();
            } catch (AccessDeniedException e) {
                denied = true;
                seen.add(file.path() + " (not readable by this account)");
                continue;
            } catch (IOException e) {
                seen.add(file.path() + " (" + e.getMessage() + ")");
                continue;
            }
            if (read.isEmpty()) {
                seen.add(file.path() + " (none)");
                continue;
            }
            if (!ProcessHandle.of(read.get().pid()).map(ProcessHandle::isAlive).orElse(false)) {
                seen.add(file.path() + " (its agent, pid " + read.get().pid() + ", is not running)");
                continue;
            }
            return new LocalApiClient(read.get(), file.path(), mapper);
        }
        throw new IllegalStateException("no running agent's status page found; looked at " + String.join(", ", seen)
                + (denied
                        ? ". Your account may not read it: on a service install ask an administrator to add you to"
                                + " the group enginex-agent-ui (sudo usermod -aG enginex-agent-ui $USER), then log in"
                                + " again"
                        : ". Is the agent running (enginex-agent status)? Started with --no-ui? Pass --ui-dir if it"
                                + " writes ui.json elsewhere"));
    }

    public String url() {
        return ui.url();
    }

    public Path file() {
        return file;
    }

    /** A one-time login link for {@code user}, valid for a minute. */
    public String loginLink(String user) {
        return post("/api/login-links", Map.of("user", user)).path("url").asText();
    }

    /** Pauses ({@code true}) or resumes; returns the page's answer {@code {"paused":…,"by":…,"since":…}}. */
    public JsonNode setPaused(boolean paused, String by) {
        return post(paused ? "/pause" : "/resume", Map.of("by", by));
    }

    /** Starts a graph the hub assigned ({@code POST /api/graph-runs}); returns {@code {"queued":true,"graph":…}}. */
    public JsonNode startGraph(String graph, String by) {
        return post("/api/graph-runs", Map.of("graph", graph, "by", by));
    }

    /**
     * Decides a step that waits for approval on the running agent ({@code POST /api/graph-decisions});
     * returns {@code {"outcome":"applied","message":…}}.
     *
     * @throws IllegalStateException with the page's reason when it refused (already decided, not waiting,
     *     not allowed by the policy)
     */
    public JsonNode decideGraphStep(String run, String step, boolean approve, String reason, String by) {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("run", run);
        body.put("step", step);
        body.put("approve", approve);
        if (reason != null) {
            body.put("reason", reason);
        }
        body.put("by", by);
        return post("/api/graph-decisions", body);
    }

    public JsonNode status() {
        return send(HttpRequest.newBuilder(URI.create(ui.url() + "api/status")).GET());
    }

    private JsonNode post(String path, Object body) {
        try {
            return send(HttpRequest.newBuilder(URI.create(ui.url() + path.substring(1)))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(mapper.writeValueAsBytes(body))));
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode the request: " + e.getMessage(), e);
        }
    }

    private JsonNode send(HttpRequest.Builder request) {
        HttpResponse<String> response;
        try {
            response = http.send(
                    request.header("Authorization", "Bearer " + ui.secret())
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot reach the agent's status page at " + ui.url() + " (" + e + "); is the agent still running?",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        JsonNode body;
        try {
            body = mapper.readTree(response.body());
        } catch (IOException e) {
            body = mapper.createObjectNode();
        }
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("the agent's status page refused: HTTP " + response.statusCode() + " "
                    + body.path("error").path("message").asText(response.body().strip()));
        }
        return body;
    }

    @Override
    public void close() {
        http.shutdownNow();
    }
}
