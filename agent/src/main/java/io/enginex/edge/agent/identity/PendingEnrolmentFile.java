package io.enginex.edge.agent.identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.agent.StateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code <state-dir>/pending-enrolment.json}: the {@link PendingEnrolment} of a running {@code
 * register} without a token. Written (owner-only, atomically) once the hub has issued the code,
 * deleted when the flow ends however it ends. A file left by a killed {@code register} shows as
 * expired once its code has.
 */
public final class PendingEnrolmentFile {
    public static final String FILE_NAME = "pending-enrolment.json";

    private final Path file;
    private final ObjectMapper mapper;

    public PendingEnrolmentFile(Path stateDir, ObjectMapper mapper) {
        this.file = stateDir.resolve(FILE_NAME);
        this.mapper = mapper;
    }

    public Path path() {
        return file;
    }

    /** @throws UncheckedIOException if the state folder cannot be written */
    public void write(PendingEnrolment p) {
        var json = mapper.createObjectNode()
                .put("hub", p.hub())
                .put("tenant", p.tenant())
                .put("userCode", p.userCode())
                .put("verificationUriComplete", p.verificationUriComplete())
                .put("keyFingerprint", p.keyFingerprint())
                .put("startedAt", p.startedAt().toString())
                .put("expiresAt", p.expiresAt().toString());
        try {
            StateFiles.replaceOwnerOnly(file, mapper.writeValueAsBytes(json));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + "; check the state folder's permissions", e);
        }
    }

    /** The pending enrolment, or empty when there is none (or the file is unreadable or damaged). */
    public Optional<PendingEnrolment> read() {
        try {
            JsonNode j = mapper.readTree(Files.readAllBytes(file));
            return Optional.of(new PendingEnrolment(
                    j.path("hub").asText(),
                    j.hasNonNull("tenant") ? j.get("tenant").asText() : null,
                    j.path("userCode").asText(),
                    j.hasNonNull("verificationUriComplete")
                            ? j.get("verificationUriComplete").asText()
                            : null,
                    j.path("keyFingerprint").asText(),
                    Instant.parse(j.path("startedAt").asText()),
                    Instant.parse(j.path("expiresAt").asText())));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Deletes the file if it is there. */
    public void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + file, e);
        }
    }
}
