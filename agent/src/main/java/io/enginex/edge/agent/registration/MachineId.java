package io.enginex.edge.agent.registration;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * A stable id of this machine for the hub, so a reinstalled machine is recognised as the same host:
 * SHA-256 of a fixed salt and the OS machine id ({@code /etc/machine-id} or {@code
 * /var/lib/dbus/machine-id} on Linux). The raw id never leaves the machine; the salt keeps the hash
 * from matching other software's use of the same id. Empty where the OS id cannot be read (then the
 * hub simply does not link reinstalls).
 */
public final class MachineId {
    static final String SALT = "enginex-edge/machine-id/v1:";
    private static final List<Path> LINUX_SOURCES =
            List.of(Path.of("/etc/machine-id"), Path.of("/var/lib/dbus/machine-id"));

    private MachineId() {}

    /** This machine's hashed id, if the OS offers one. */
    public static Optional<String> current() {
        for (Path source : LINUX_SOURCES) {
            Optional<String> id = fromFile(source);
            if (id.isPresent()) {
                return id;
            }
        }
        return Optional.empty();
    }

    /** The hashed id from a machine-id file, if it holds one. */
    static Optional<String> fromFile(Path source) {
        try {
            String raw = Files.readString(source, StandardCharsets.US_ASCII).strip();
            return raw.isEmpty() ? Optional.empty() : Optional.of(hash(raw));
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }

    static String hash(String rawId) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256")
                            .digest((SALT + rawId).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    }
}
