package io.enginex.edge.agent.runtime;

import io.enginex.edge.agent.update.UpdateConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * What {@code enginex-agent run} was asked to do, fixed before the agent starts: an immutable value
 * that the {@link AgentRuntime} reads and never changes (built with {@link #builder}). Null in an
 * optional path means the default the field names.
 *
 * @param stateDir where the identity, journal, audit log and status are kept (already resolved)
 * @param root the folder file tools may use, or null for the admin configuration's or the machine
 *     policy's roots
 * @param machinePolicy the machine policy file, or null for the administrator's per-OS file
 * @param plugins the plug-in folder, or null for {@code plugins} beside the machine policy file
 * @param configFile the administrator's configuration ({@code agent.conf}), or null for none; without
 *     an identity the agent enrols with it first
 * @param maxConcurrentJobs tools running at once (at least 1)
 * @param rotateKeyEvery the device key's age at which it is replaced; zero turns rotation off
 * @param ui whether to serve the local status page
 * @param uiPort its port on 127.0.0.1, 0 for any free one
 * @param uiDir where {@code ui.json} is written, or null for the state directory
 * @param uiGroup the group that may read {@code ui.json}, or null
 * @param backoffBase first reconnect delay
 * @param backoffCap longest reconnect (and enrolment retry) delay
 * @param update how the agent updates itself ({@link UpdateConfig})
 * @param sessionSocket the Unix socket user session parts connect to, or null for none
 * @param sessionUsers whose session parts are accepted ({@code session-users}: names, {@code *}), or
 *     null to take it from the config file
 * @param uploadRate about how many bytes a second step output files are uploaded at, 0 for no cap
 *     beyond one chunk in flight
 */
public record RunConfig(
        Path stateDir,
        Path root,
        Path machinePolicy,
        Path plugins,
        Path configFile,
        int maxConcurrentJobs,
        Duration rotateKeyEvery,
        boolean ui,
        int uiPort,
        Path uiDir,
        String uiGroup,
        Duration backoffBase,
        Duration backoffCap,
        UpdateConfig update,
        Path sessionSocket,
        String sessionUsers,
        long uploadRate) {

    /** @throws IllegalArgumentException naming the value that is out of range */
    public RunConfig {
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(rotateKeyEvery, "rotateKeyEvery");
        Objects.requireNonNull(backoffBase, "backoffBase");
        Objects.requireNonNull(backoffCap, "backoffCap");
        Objects.requireNonNull(update, "update");
        if (maxConcurrentJobs < 1) {
            throw new IllegalArgumentException("maxConcurrentJobs must be at least 1, was " + maxConcurrentJobs);
        }
        if (rotateKeyEvery.isNegative()) {
            throw new IllegalArgumentException("rotateKeyEvery must not be negative, was " + rotateKeyEvery);
        }
        if (uploadRate < 0) {
            throw new IllegalArgumentException("--upload-rate must not be negative (0: no cap), was " + uploadRate);
        }
        if (uiPort < 0 || uiPort > 65_535) {
            throw new IllegalArgumentException("uiPort must be 0-65535, was " + uiPort);
        }
    }

    /** The defaults of {@code enginex-agent run} over {@code stateDir}. */
    public static Builder builder(Path stateDir) {
        return new Builder(stateDir);
    }

    /** Collects the options; {@link #build} checks them. Not thread-safe. */
    public static final class Builder {
        private final Path stateDir;
        private long uploadRate;
        private Path root;
        private Path machinePolicy;
        private Path plugins;
        private Path configFile;
        private int maxConcurrentJobs = 8;
        private Duration rotateKeyEvery = Duration.ofDays(30);
        private boolean ui = true;
        private int uiPort;
        private Path uiDir;
        private String uiGroup;
        private Duration backoffBase = Duration.ofSeconds(1);
        private Duration backoffCap = Duration.ofMinutes(5);
        private UpdateConfig update = UpdateConfig.DEFAULT;
        private Path sessionSocket;
        private String sessionUsers;

        private Builder(Path stateDir) {
            this.stateDir = stateDir;
        }

        public Builder root(Path root) {
            this.root = root;
            return this;
        }

        public Builder machinePolicy(Path machinePolicy) {
            this.machinePolicy = machinePolicy;
            return this;
        }

        public Builder plugins(Path plugins) {
            this.plugins = plugins;
            return this;
        }

        public Builder configFile(Path configFile) {
            this.configFile = configFile;
            return this;
        }

        public Builder maxConcurrentJobs(int maxConcurrentJobs) {
            this.maxConcurrentJobs = maxConcurrentJobs;
            return this;
        }

        public Builder rotateKeyEvery(Duration rotateKeyEvery) {
            this.rotateKeyEvery = rotateKeyEvery;
            return this;
        }

        /** Serve the status page on {@code port} (0: any), writing {@code ui.json} to {@code dir} (null: state dir). */
        public Builder ui(int port, Path dir, String group) {
            this.ui = true;
            this.uiPort = port;
            this.uiDir = dir;
            this.uiGroup = group;
            return this;
        }

        public Builder noUi() {
            this.ui = false;
            return this;
        }

        public Builder backoff(Duration base, Duration cap) {
            this.backoffBase = base;
            this.backoffCap = cap;
            return this;
        }

        public Builder update(UpdateConfig update) {
            this.update = update;
            return this;
        }

        /** Take user session parts on {@code socket}, from {@code users} (null: session-users of the config file). */
        public Builder sessions(Path socket, String users) {
            this.sessionSocket = socket;
            this.sessionUsers = users;
            return this;
        }

        public RunConfig build() {
            return new RunConfig(
                    stateDir,
                    root,
                    machinePolicy,
                    plugins,
                    configFile,
                    maxConcurrentJobs,
                    rotateKeyEvery,
                    ui,
                    uiPort,
                    uiDir,
                    uiGroup,
                    backoffBase,
                    backoffCap,
                    update,
                    sessionSocket,
                    sessionUsers,
                    uploadRate);
        }

        /** About how many bytes a second step output files are uploaded at; 0 for no cap. */
        public Builder uploadRate(long bytesPerSecond) {
            this.uploadRate = bytesPerSecond;
            return this;
        }
    }
}
