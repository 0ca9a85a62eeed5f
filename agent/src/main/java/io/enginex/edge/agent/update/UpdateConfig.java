package io.enginex.edge.agent.update;

import io.enginex.edge.common.update.ChannelState;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * How {@code enginex-agent run} updates itself.
 *
 * @param pinnedRoot the repository's root.json the installer placed (trusted as it is, once: it is
 *     copied to {@code <state-dir>/update/metadata/root.json} on first start), or null for none; with no
 *     trusted root the agent does not check for updates and says so
 * @param home the release home of a self-updating install ({@link ReleaseHome}), or null: the agent only
 *     reports the available version (managed mode)
 * @param channel the channel followed
 * @param every time between checks (randomised by up to a tenth); a failed check is retried sooner,
 *     with exponential backoff and full jitter, never later than this
 * @param url the repository, or null for the hub's {@code /updates}
 * @param healthWindow how long a new version has to get its hello accepted
 * @param maxStarts starts a new version gets before it counts as crash-looping
 */
public record UpdateConfig(
        Path pinnedRoot, Path home, String channel, Duration every, URI url, Duration healthWindow, int maxStarts) {
    public static final UpdateConfig DEFAULT =
            new UpdateConfig(null, null, "stable", Duration.ofHours(6), null, Duration.ofMinutes(5), 3);

    public UpdateConfig {
        ChannelState.checkName(channel);
        if (every.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("the update interval must be at least 1 s, was " + every);
        }
        if (healthWindow.compareTo(Duration.ofSeconds(1)) < 0 || maxStarts < 1) {
            throw new IllegalArgumentException("the health window must be at least 1 s and max starts at least 1");
        }
    }

    /** {@code os-arch} as release targets name it: linux|windows|macos and x64|arm64. */
    public static String platform(String osName, String osArch) {
        String os = osName.toLowerCase(Locale.ROOT);
        String name = os.startsWith("windows") ? "windows" : os.startsWith("mac") ? "macos" : "linux";
        String arch = osArch.equals("aarch64") || osArch.equals("arm64") ? "arm64" : "x64";
        return name + "-" + arch;
    }
}
