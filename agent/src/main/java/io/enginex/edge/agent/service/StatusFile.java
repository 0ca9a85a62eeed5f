package io.enginex.edge.agent.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.agent.StateFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code <state-dir>/status.json}: the running agent's {@link AgentStatus}, written through an
 * owner-only temporary file moved over the old one atomically, so a reader sees a whole file.
 */
public final class StatusFile {
    public static final String FILE_NAME = "status.json";

    private final Path file;
    private final ObjectMapper mapper;

    public StatusFile(Path stateDir, ObjectMapper mapper) {
        this.file = stateDir.resolve(FILE_NAME);
        this.mapper = mapper;
    }

    public Path path() {
        return file;
    }

    /**
     * Replaces the file.
     *
     * @throws IOException when the state directory is not writable
     */
    public void write(AgentStatus status) throws IOException {
        StateFiles.replaceOwnerOnly(
                file, mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(status));
    }

    /**
     * Reads the file.
     *
     * @return empty when no agent has written it yet
     * @throws IOException when it exists but cannot be read or parsed
     */
    public Optional<AgentStatus> read() throws IOException {
        try {
            return Optional.of(mapper.readValue(Files.readAllBytes(file), AgentStatus.class));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }
}
