package io.enginex.edge.server.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.job.Jobs;
import io.enginex.edge.server.store.Job;
import io.enginex.edge.server.store.JobState;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A job as an MCP tool result: a succeeded job's output as JSON text (and as {@code
 * structuredContent} when it is an object); a failed, timed-out or cancelled one with {@code
 * isError} and its error code and message; one awaiting approval at once, with the dashboard page
 * where a person decides; one still running after the wait, with its id. Every result names the job
 * in {@code _meta} ({@code io.enginex/jobId}). Also the hub's own tool {@link #TOOL}, which waits for
 * a job an earlier call started.
 */
final class JobResults {
    static final String TOOL_NAME = ToolNames.HUB_PREFIX + ToolNames.SEPARATOR + "job_result";

    static final McpSchema.Tool TOOL = McpSchema.Tool.builder(
                    TOOL_NAME,
                    Map.of(
                            "type", "object",
                            "properties", Map.of("jobId", Map.of("type", "string", "description", "the job id, job_…")),
                            "required", List.of("jobId")))
            .title("Result of an EngineX job")
            .description("The result of a job an earlier tool call started that was waiting for a person's approval or"
                    + " still running: waits for it to finish (up to a minute) and returns its output.")
            .build();

    /** How often a call whose client asked for progress is told its job's state while it runs. */
    static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);

    private final Jobs jobs;
    private final ObjectMapper mapper;
    private final Supplier<String> baseUrl;
    private final Duration maxWait;

    /** @param maxWait how long a call waits for its job before answering that it still runs */
    JobResults(Jobs jobs, ObjectMapper mapper, Supplier<String> baseUrl, Duration maxWait) {
        this.jobs = jobs;
        this.mapper = mapper;
        this.baseUrl = baseUrl;
        this.maxWait = maxWait;
    }

    /**
     * The job's result: at once when it awaits approval, else once it finished or the wait passed.
     *
     * @param progress told the job as it is every {@link #PROGRESS_EVERY} while it runs, or null
     * @throws io.enginex.edge.server.HubException.NotFound {@code job_not_found}
     */
    McpSchema.CallToolResult await(Caller caller, String jobId, Consumer<Job> progress) throws InterruptedException {
        String tenant = caller.tenantId();
        Job job = jobs.await(caller, tenant, jobId, Duration.ZERO);
        Duration waited = Duration.ZERO;
        while (!job.state().terminal() && job.state() != JobState.AWAITING_APPROVAL && waited.compareTo(maxWait) < 0) {
            Duration left = maxWait.minus(waited);
            Duration slice = progress == null || left.compareTo(PROGRESS_EVERY) < 0 ? left : PROGRESS_EVERY;
            job = jobs.await(caller, tenant, jobId, slice);
            waited = waited.plus(slice);
            if (progress != null && !job.state().terminal()) {
                progress.accept(job);
            }
        }
        return render(job);
    }

    McpSchema.CallToolResult render(Job job) {
        return switch (job.state()) {
            case SUCCEEDED -> succeeded(job);
            case FAILED, TIMED_OUT, CANCELLED ->
                result(
                        job,
                        true,
                        job.tool() + " " + job.state().wire() + " (job " + job.id() + "): " + job.errorCode() + ": "
                                + job.errorMessage());
            case AWAITING_APPROVAL ->
                result(
                        job,
                        false,
                        "Awaiting approval: job " + job.id() + " (" + job.tool() + " on agent " + job.agentId()
                                + ") runs only after a person approves it at " + baseUrl.get() + "/ui/approvals/"
                                + job.id() + " (by " + job.deadline() + ", else it times out). Then call "
                                + TOOL_NAME + " with {\"jobId\":\"" + job.id() + "\"} for its result.");
            default ->
                result(
                        job,
                        false,
                        "Still " + job.state().wire() + " after " + maxWait.toSeconds() + " s: job " + job.id() + " ("
                                + job.tool() + " on agent " + job.agentId() + "). Call " + TOOL_NAME
                                + " with {\"jobId\":\"" + job.id() + "\"} for its result.");
        };
    }

    private McpSchema.CallToolResult succeeded(Job job) {
        String output = job.outputJson() == null ? "null" : job.outputJson();
        Object structured = null;
        try {
            JsonNode tree = mapper.readTree(output);
            if (tree != null && tree.isObject()) {
                structured = mapper.convertValue(tree, Map.class);
            }
        } catch (JsonProcessingException e) {
            // Stored output is the agent's JSON; text that is not JSON is still returned as text.
        }
        var result = McpSchema.CallToolResult.builder()
                .addTextContent(output)
                .isError(false)
                .meta(meta(job));
        if (structured != null) {
            result.structuredContent(structured);
        }
        return result.build();
    }

    private McpSchema.CallToolResult result(Job job, boolean error, String text) {
        return McpSchema.CallToolResult.builder()
                .addTextContent(text)
                .isError(error)
                .meta(meta(job))
                .build();
    }

    private static Map<String, Object> meta(Job job) {
        return Map.of(
                "io.enginex/jobId", job.id(), "io.enginex/state", job.state().wire());
    }
}
