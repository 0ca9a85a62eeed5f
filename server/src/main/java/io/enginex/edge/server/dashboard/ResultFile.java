package io.enginex.edge.server.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.server.store.Job;
import io.enginex.edge.server.store.JobState;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * A file a job brought back, as the session page offers it for download: the content of a succeeded
 * {@code fs.read} (UTF-8 text or base64), named after the last part of the path it read.
 *
 * @param name a file name safe for a {@code Content-Disposition} header
 */
record ResultFile(String name, byte[] bytes) {
    static final String TOOL = "fs.read";

    /** The job's file, or empty when the job is no succeeded {@code fs.read} with content. */
    public static Optional<ResultFile> of(Job job, ObjectMapper mapper) {
        if (!TOOL.equals(job.tool()) || job.state() != JobState.SUCCEEDED || job.outputJson() == null) {
            return Optional.empty();
        }
        try {
            JsonNode output = mapper.readTree(job.outputJson());
            JsonNode content = output.path("content");
            if (!content.isTextual()) {
                return Optional.empty();
            }
            byte[] bytes = "base64".equals(output.path("encoding").asText())
                    ? Base64.getDecoder().decode(content.asText())
                    : content.asText().getBytes(StandardCharsets.UTF_8);
            String path = job.args().path("path").asText("");
            return Optional.of(new ResultFile(safeName(path), bytes));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The last part of {@code path}, with anything but letters, digits, {@code .-_} replaced. */
    static String safeName(String path) {
        String last = path.replace('\\', '/');
        last = last.substring(last.lastIndexOf('/') + 1);
        String safe = last.replaceAll("[^A-Za-z0-9._-]", "_").replaceAll("^\\.+", "");
        return safe.isEmpty() ? "download" : safe.length() > 120 ? safe.substring(0, 120) : safe;
    }

    /** {@code attachment; filename="…"}: never shown inline, so no content runs in the hub's origin. */
    public String contentDisposition() {
        return "attachment; filename=\"" + name + "\"";
    }
}
