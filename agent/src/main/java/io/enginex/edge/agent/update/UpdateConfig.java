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
 * @param mode {@link #AUTO}: the agent replaces itself when given a {@code home} and no package manager
 *     installed it; {@link #SELF}: it replaces itself even when a package manager installed it (the
 *     installer's choice; {@code home} defaults to {@code <state-dir>/releases}); {@link #MANAGED}: it
 *     never does, it only reports the version available
 */
public record UpdateConfig(
        Path pinnedRoot,
        Path home,
        String channel,
        Duration every,
        URI url,
        Duration healthWindow,
        int maxStarts,
        String mode) {
    public static final String AUTO = "auto";
    public static final String SELF = "self";
    public static final String MANAGED = "managed";

    public static final UpdateConfig DEFAULT =
            new UpdateConfig(null, null, "stable", Duration.ofHours(6), null, Duration.ofMinutes(5), 3);

    /** A configuration in mode {@link #AUTO}. */
    public UpdateConfig(
            Path pinnedRoot, Path home, String channel, Duration every, URI url, Duration healthWindow, int maxStarts) {
        this(pinnedRoot, home, channel, every, url, healthWindow, maxStarts, AUTO);
    }

    /** This configuration with {@code mode} when it is {@link #AUTO} (a command-line choice wins over agent.conf). */
    public UpdateConfig orMode(String configured) {
        return configured == null || !AUTO.equals(mode)
                ? this
                : new UpdateConfig(pinnedRoot, home, channel, every, url, healthWindow, maxStarts, configured);
    }

    public UpdateConfig {
        mode = mode == null ? AUTO : mode;
        if (!mode.equals(AUTO) && !mode.equals(SELF) && !mode.equals(MANAGED)) {
            throw new IllegalArgumentException(
                    "the update mode is self or managed (or auto: self with --update-home), not " + mode);
        }
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
