package io.enginex.edge.agent;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Work on a state file that another process may do at the same time (the running agent and {@code
 * enginex-agent secrets}): one at a time across threads and processes, by an OS file lock on a lock
 * file beside it.
 *
 * <p>The JVM refuses a second lock on a file it already locks, even from another object, so each lock
 * file also has one in-process lock, kept in a map for the life of the JVM: the one piece of shared
 * mutable state here, and it holds only locks. Reentrant: work nested in the same thread takes the
 * file lock once.
 */
public final class FileLocks {
    private static final ConcurrentHashMap<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

    private FileLocks() {}

    /** Work that may fail with an {@link IOException}. */
    @FunctionalInterface
    public interface Work<T> {
        T run() throws IOException;
    }

    /** Runs {@code work} holding {@code lockFile} (created when missing, owner-only where it can be). */
    public static <T> T with(Path lockFile, Work<T> work) throws IOException {
        Path key = lockFile.toAbsolutePath().normalize();
        ReentrantLock lock = LOCKS.computeIfAbsent(key, k -> new ReentrantLock());
        lock.lock();
        try {
            if (lock.getHoldCount() > 1) {
                return work.run();
            }
            try (FileChannel channel = FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                FileLock held = channel.lock();
                try {
                    return work.run();
                } finally {
                    held.release();
                }
            }
        } finally {
            lock.unlock();
        }
    }
}
