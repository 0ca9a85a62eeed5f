package io.enginex.edge.server.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.server.auth.OwnerOnlyFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code <data-dir>/hub.json}: how to reach a running hub. Written atomically once the hub listens,
 * deleted on clean shutdown; scripts, tests and the {@code engine} client commands read it.
 *
 * <pre>{@code {"url":"https://127.0.0.1:8443","port":8443,"pid":4242,"tls":true,
 *  "fingerprint":"sha256:AB:…","node":"hub-1","version":"0.1.0"}}</pre>
 *
 * @param fingerprint SHA-256 fingerprint of the served certificate, or null for plain HTTP
 */
public record HubFile(String url, int port, long pid, boolean tls, String fingerprint, String node, String version) {
    public static final String NAME = "hub.json";

    public static Path in(Path dataDir) {
        return dataDir.resolve(NAME);
    }

    /** Writes this file atomically (temp file and move), so a reader never sees half of it. */
    public void write(Path file, ObjectMapper mapper) throws IOException {
        OwnerOnlyFiles.replace(file, mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(this));
    }

    /** Reads {@code file}, or empty if it does not exist. */
    public static Optional<HubFile> read(Path file, ObjectMapper mapper) throws IOException {
        try {
            return Optional.of(mapper.readValue(Files.readAllBytes(file), HubFile.class));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }
}
