package io.enginex.edge.agent.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * {@code ui.json}: where the running agent's status page listens and the secret that lets a local
 * program ask it for a login link. Written at every start with a new secret and deleted at stop, so
 * the secret lives as long as the process. Owner-only, or readable by one group ({@code --ui-group},
 * for service installs: the people allowed to open the page); never world-readable.
 *
 * <pre>{"url":"http://127.0.0.1:47113/","port":47113,"secret":"…","pid":4242}</pre>
 */
public final class UiFile {
    public static final String FILE_NAME = "ui.json";

    /** What the file says. {@code secret} must never be logged or printed. */
    public record Contents(String url, int port, String secret, long pid) {
        @Override
        public String toString() {
            return "ui.json[url=" + url + ", pid=" + pid + "]"; // never the secret
        }
    }

    private final Path file;
    private final ObjectMapper mapper;

    public UiFile(Path dir, ObjectMapper mapper) {
        this.file = dir.resolve(FILE_NAME);
        this.mapper = mapper;
    }

    public Path path() {
        return file;
    }

    /**
     * Writes the file, owner-only, then hands it to {@code group} (mode 640) if given.
     *
     * @return null when written as asked, else a warning for the log (the group could not be set: the
     *     file stays owner-only and only the agent's own account can open the page)
     * @throws IOException when the directory is not writable
     */
    public String write(Contents contents, String group) throws IOException {
        Path dir = file.getParent();
        Files.createDirectories(dir);
        boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
        Path temp = posix
                ? Files.createTempFile(
                        dir,
                        ".ui-",
                        ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                : Files.createTempFile(dir, ".ui-", ".tmp");
        String warning = null;
        try {
            Files.write(
                    temp,
                    mapper.writeValueAsBytes(mapper.createObjectNode()
                            .put("url", contents.url())
                            .put("port", contents.port())
                            .put("secret", contents.secret())
                            .put("pid", contents.pid())));
            if (posix && group != null && !group.isBlank()) {
                try {
                    GroupPrincipal principal =
                            dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(group);
                    Files.getFileAttributeView(temp, PosixFileAttributeView.class)
                            .setGroup(principal);
                    Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r-----"));
                } catch (IOException e) {
                    warning = "cannot give " + file + " to group " + group + " (" + e
                            + "); only this account can open the status page. Create the group and make the agent's"
                            + " account a member (groupadd --system " + group + "; SupplementaryGroups=" + group
                            + " in the unit)";
                }
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
        return warning;
    }

    /**
     * @return empty when there is no file (no agent with a status page runs with this directory)
     * @throws AccessDeniedException when it exists but this account may not read it
     * @throws IOException when it cannot be read or parsed
     */
    public Optional<Contents> read() throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        JsonNode json = mapper.readTree(bytes);
        String secret = json.path("secret").asText("");
        if (secret.isEmpty() || json.path("port").asInt(0) <= 0) {
            throw new IOException(file + " is damaged (no port or secret); restart the agent to write it again");
        }
        return Optional.of(new Contents(
                json.path("url").asText(),
                json.path("port").asInt(),
                secret,
                json.path("pid").asLong()));
    }

    /** Deletes the file if it is still this process's (a newer agent may have replaced it). */
    public void deleteIfOwn(long pid) {
        try {
            if (read().map(c -> c.pid() == pid).orElse(false)) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            // Best effort at shutdown: a stale file names a dead pid, which readers check.
        }
    }
}
