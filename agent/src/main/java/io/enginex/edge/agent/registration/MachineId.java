package io.enginex.edge.agent.registration;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stable id of this machine for the hub, so a reinstalled machine is recognised as the same host:
 * SHA-256 of a fixed salt and the OS machine id. The OS id comes from {@code /etc/machine-id} or
 * {@code /var/lib/dbus/machine-id} on Linux, the {@code IOPlatformUUID} that {@code ioreg -rd1 -c
 * IOPlatformExpertDevice} prints on macOS, and the {@code MachineGuid} that {@code reg query
 * HKLM\SOFTWARE\Microsoft\Cryptography /v MachineGuid} prints on Windows. The raw id never leaves
 * the machine; the salt keeps the hash from matching other software's use of the same id. Empty
 * where the OS id cannot be read (then the hub simply does not link reinstalls).
 */
public final class MachineId {
    static final String SALT = "enginex-edge/machine-id/v1:";
    private static final List<Path> LINUX_SOURCES =
            List.of(Path.of("/etc/machine-id"), Path.of("/var/lib/dbus/machine-id"));
    private static final Pattern IOREG_UUID = Pattern.compile("\"IOPlatformUUID\"\\s*=\\s*\"([0-9A-Fa-f-]{8,})\"");
    private static final Pattern REG_GUID =
            Pattern.compile("^\\s*MachineGuid\\s+REG_SZ\\s+([0-9A-Fa-f-]{8,})\\s*$", Pattern.MULTILINE);
    private static final long COMMAND_TIMEOUT_SECONDS = 5;

    private MachineId() {}

    /** This machine's hashed id, if the OS offers one. */
    public static Optional<String> current() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.startsWith("mac")) {
            return commandOutput(List.of("/usr/sbin/ioreg", "-rd1", "-c", "IOPlatformExpertDevice"))
                    .flatMap(MachineId::fromIoreg);
        }
        if (os.startsWith("windows")) {
            return commandOutput(
                            List.of("reg", "query", "HKLM\\SOFTWARE\\Microsoft\\Cryptography", "/v", "MachineGuid"))
                    .flatMap(MachineId::fromRegQuery);
        }
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

    /** The hashed {@code IOPlatformUUID} from the output of macOS {@code ioreg}, if it holds one. */
    static Optional<String> fromIoreg(String output) {
        Matcher m = IOREG_UUID.matcher(output);
        return m.find() ? Optional.of(hash(m.group(1))) : Optional.empty();
    }

    /** The hashed {@code MachineGuid} from the output of Windows {@code reg query}, if it holds one. */
    static Optional<String> fromRegQuery(String output) {
        Matcher m = REG_GUID.matcher(output);
        return m.find() ? Optional.of(hash(m.group(1))) : Optional.empty();
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

    /** What {@code command} prints, if it runs and exits 0 within a few seconds. */
    private static Optional<String> commandOutput(List<String> command) {
        try {
            Process process = new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .redirectInput(
                            ProcessBuilder.Redirect.from(Path.of(nullDevice()).toFile()))
                    .start();
            // The output is a few kilobytes, well under a pipe's buffer, so waiting first cannot block the child.
            if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return Optional.empty();
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return process.exitValue() == 0 ? Optional.of(output) : Optional.empty();
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static String nullDevice() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows") ? "NUL" : "/dev/null";
    }
}
