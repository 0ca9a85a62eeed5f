package io.enginex.edge.agent.pause;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.agent.StateFiles;
import io.enginex.edge.protocol.Pause;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code <state-dir>/pause.json}: present while the agent is paused, so a pause outlives a restart or
 * reboot. {@code {"by":"alice","since":"2026-11-26T10:02:11Z"}}; owner-only, replaced atomically.
 */
public final class PauseFile {
    public static final String FILE_NAME = "pause.json";

    private final Path file;
    private final ObjectMapper mapper;

    public PauseFile(Path stateDir, ObjectMapper mapper) {
        this.file = stateDir.resolve(FILE_NAME);
        this.mapper = mapper;
    }

    public Path path() {
        return file;
    }

    /**
     * @return empty when not paused
     * @throws IOException when the file exists but cannot be read; a damaged file reads as paused by
     *     "unknown", so a person's pause is never lost to a torn write
     */
    public Optional<Pause> read() throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        try {
            JsonNode json = mapper.readTree(bytes);
            return Optional.of(new Pause(
                    json.path("by").asText("unknown"),
                    Instant.parse(json.path("since").asText())));
        } catch (IOException | RuntimeException e) {
            return Optional.of(
                    new Pause("unknown", Files.getLastModifiedTime(file).toInstant()));
        }
    }

    /** Writes {@code pause}, or deletes the file for null. */
    public void write(Pause pause) throws IOException {
        if (pause == null) {
            Files.deleteIfExists(file);
            return;
        }
        StateFiles.replaceOwnerOnly(
                file,
                mapper.writeValueAsBytes(mapper.createObjectNode()
                        .put("by", pause.by())
                        .put("since", pause.since().toString())));
    }
}
