package io.enginex.edge.agent.exec;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.util.Optional;

/**
 * POSIX signals for a whole process group ({@code kill(-pgid, sig)} through JNA) and for one process
 * ({@link ProcessHandle}). When JNA cannot load (an unusual JVM or a {@code noexec} temp folder), a
 * group is signalled member by member, which a process forking at that moment can outrun: the caller
 * signals again until the group is empty. A missing JNA jar degrades the same way rather than stopping
 * the agent.
 *
 * <p>Immutable and thread-safe.
 */
final class PosixSignals {
    static final int SIGKILL = 9;
    static final int SIGTERM = 15;

    /** The two calls used from the C library. */
    interface Libc extends Library {
        int kill(int pid, int signal);
    }

    private final Optional<Libc> libc;

    PosixSignals(Optional<Libc> libc) {
        this.libc = libc;
    }

    static PosixSignals forThisMachine() {
        try {
            return new PosixSignals(Optional.of(Native.load("c", Libc.class)));
        } catch (LinkageError | RuntimeException e) {
            // LinkageError: no native library (UnsatisfiedLinkError) or no JNA at all (NoClassDefFoundError).
            return new PosixSignals(Optional.empty());
        }
    }

    /**
     * Sends {@code signal} to every process of group {@code pgid} at once.
     *
     * @return false when the group signal was not possible (no such group yet, or no JNA): signal the
     *     members one by one instead
     */
    boolean group(long pgid, int signal) {
        return pgid > 1 && libc.map(c -> c.kill(-(int) pgid, signal) == 0).orElse(false);
    }

    /** Sends SIGTERM or SIGKILL to one process; false when it is gone or not ours to signal. */
    boolean process(long pid, int signal) {
        return ProcessHandle.of(pid)
                .map(p -> signal == SIGKILL ? p.destroyForcibly() : p.destroy())
                .orElse(false);
    }
}
