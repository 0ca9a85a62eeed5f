package io.enginex.edge.agent.enrolment;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The admin-owned configuration file ({@code /etc/enginex-agent/agent.conf} in the packages): lines
 * of {@code key = value}, {@code #} comments, keys {@code server}, {@code token}, {@code pin}, {@code
 * ca-file}, {@code root} and {@code update-mode} ({@code self} or {@code managed}: whether a package
 * install replaces itself, the installer's choice; docs/UPDATE.md). Installers, MDM profiles and configuration management write it. A hub of
 * several nodes is given as several URLs: separated by commas, or on several {@code server} lines
 * (which add up).
 *
 * <p>{@link #removeToken()} rewrites the file without its {@code token} line, keeping comments, other
 * lines and the file's permissions: through a temporary file moved over the old one atomically when
 * the directory is writable; otherwise (the packages keep {@code /etc/enginex-agent}, which also holds
 * the machine policy, root-owned, and make only this file writable for the agent's group) in place,
 * flushed to disk before returning.
 */
public final class AgentConfigFile {
    static final List<String> KEYS =
            List.of("server", "token", "pin", "ca-file", "root", "update-mode", "session-users");

    private final Path file;

    public AgentConfigFile(Path file) {
        this.file = file;
    }

    public Path path() {
        return file;
    }

    /**
     * Reads the file; a missing file is an empty configuration (the admin may place it later).
     *
     * @throws ConfigException when it cannot be read or has a line that is not a known {@code key = value}
     */
    public AgentConfig load() {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return AgentConfig.EMPTY;
        } catch (IOException e) {
            throw new ConfigException(
                    "cannot read " + file + " (" + e + "); check that the account running the agent"
                            + " may read it (the packages make it group enginex-agent, mode 660)",
                    e);
        }
        String server = null, token = null, pin = null, caFile = null, root = null, updateMode = null;
        String sessionUsers = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            String key = eq < 0 ? line : line.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            if (eq < 0 || !KEYS.contains(key)) {
                throw new ConfigException(file + " line " + (i + 1) + ": expected key = value with a key among "
                        + String.join(", ", KEYS) + "; fix or remove that line");
            }
            String value = line.substring(eq + 1).strip();
            if (value.isEmpty()) {
                continue;
            }
            switch (key) {
                case "server" -> server = server == null ? value : server + "," + value;
                case "token" -> token = value;
                case "pin" -> pin = value;
                case "ca-file" -> caFile = value;
                case "update-mode" -> {
                    if (!value.equals("self") && !value.equals("managed")) {
                        throw new ConfigException(file + " line " + (i + 1) + ": update-mode is self (the agent"
                                + " replaces itself) or managed (a package manager or an administrator installs"
                                + " new versions), not " + value);
                    }
                    updateMode = value;
                }
                case "session-users" -> sessionUsers = value;
                default -> root = value;
            }
        }
        return new AgentConfig(
                server,
                token,
                pin,
                caFile == null ? null : Path.of(caFile),
                root == null ? null : Path.of(root),
                updateMode,
                sessionUsers);
    }

    /**
     * Deletes the {@code token} line after a successful enrolment. Does nothing when there is none.
     *
     * @throws ConfigException when the file cannot be rewritten; the message says how to remove the
     *     token by hand (it is already used and worthless, but should not linger)
     */
    public void removeToken() {
        Path temp = null;
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            List<String> kept = new ArrayList<>();
            for (String line : lines) {
                String stripped = line.strip();
                int eq = stripped.indexOf('=');
                boolean token = !stripped.startsWith("#")
                        && eq > 0
                        && stripped.substring(0, eq).strip().equalsIgnoreCase("token");
                if (!token) {
                    kept.add(line);
                }
            }
            if (kept.size() == lines.size()) {
                return;
            }
            Path dir = file.toAbsolutePath().getParent();
            if (!Files.isWritable(dir)) {
                rewriteInPlace(kept);
                return;
            }
            temp = Files.createTempFile(dir, ".agent-conf-", ".tmp");
            if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
                Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
                Files.setPosixFilePermissions(temp, permissions);
            }
            Files.write(temp, kept, StandardCharsets.UTF_8);
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            temp = null;
        } catch (IOException e) {
            throw new ConfigException(
                    "enrolled, but could not delete the used registration token from " + file + " (" + e
                            + "); delete the token line by hand",
                    e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // Best effort: a leftover temp file holds no more than the config itself.
                }
            }
        }
    }

    private void rewriteInPlace(List<String> lines) throws IOException {
        byte[] bytes = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
        try (FileChannel channel =
                FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
    }
}
