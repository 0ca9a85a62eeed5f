package io.enginex.edge.agent.service;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * What governs this agent's updates, as {@code status} and the status page report it. {@link #detect}
 * says how the install is updated before any check; the updater ({@code update.Updater}, through
 * {@code runtime.UpdateLoop}) then fills in {@code available}, {@code checkedAt} and {@code detail}, and
 * uses mode {@code self-update} when it replaces the agent itself ({@code run --update-home}). A package
 * install is never replaced by the agent: its package manager updates it (managed mode).
 *
 * @param mode {@code package-manager}, {@code manual} or {@code self-update}
 * @param managedBy {@code deb}, {@code rpm}, {@code msi} or {@code pkg} for package installs; null
 *     otherwise
 * @param selfUpdate whether this agent updates itself
 * @param current the running version
 * @param available a newer version the signed repository offers and this agent does not install
 *     itself (managed mode), or being installed; null when none is known
 * @param checkedAt when availability was last checked, or null (never)
 * @param detail one sentence for a person: how to update
 */
public record UpdateState(
        String mode,
        String managedBy,
        boolean selfUpdate,
        String current,
        String available,
        Instant checkedAt,
        String detail) {
    /** The package name the installers use. */
    static final String PACKAGE = "enginex-agent";

    /**
     * Works out how this installation is updated.
     *
     * @param appPath the jpackage launcher ({@code jpackage.app-path}), or null when run from the jar
     * @param osName {@code os.name}
     */
    public static UpdateState detect(String version, String appPath, String osName) {
        String os = osName.toLowerCase(Locale.ROOT);
        String managedBy = null;
        if (appPath != null) {
            if (os.startsWith("windows")) {
                managedBy = "msi";
            } else if (os.startsWith("mac")) {
                managedBy = "pkg";
            } else if (Files.exists(Path.of("/var/lib/dpkg/info/" + PACKAGE + ".list"))) {
                managedBy = "deb";
            } else if (rpmKnows()) {
                managedBy = "rpm";
            }
        }
        if (managedBy == null) {
            return new UpdateState(
                    "manual",
                    null,
                    false,
                    version,
                    null,
                    null,
                    "self-update is off (no --update-home and no pinned update root): update by installing a newer package or archive");
        }
        String how = switch (managedBy) {
            case "deb" -> "apt-get install --only-upgrade " + PACKAGE;
            case "rpm" -> "dnf upgrade " + PACKAGE;
            case "msi" -> "install the newer .msi (your software distribution does it)";
            default -> "install the newer .pkg (your MDM does it)";
        };
        return new UpdateState(
                "package-manager",
                managedBy,
                false,
                version,
                null,
                null,
                "managed by the package manager (" + managedBy + "): " + how
                        + "; the agent does not replace itself (managed mode)");
    }

    private static boolean rpmKnows() {
        if (!Files.isDirectory(Path.of("/var/lib/rpm"))) {
            return false;
        }
        try {
            Process rpm = new ProcessBuilder("rpm", "-q", "--quiet", PACKAGE)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!rpm.waitFor(5, TimeUnit.SECONDS)) {
                rpm.destroyForcibly();
                return false;
            }
            return rpm.exitValue() == 0;
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
