package io.enginex.edge.e2e.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/**
 * A class-data sharing archive (JDK's dynamic CDS) for the hub's and the agent's jars, so that the
 * hundreds of JVMs the end-to-end tests start map the classes they load instead of parsing and
 * verifying them again: about 2 s less CPU per hub start on this project's machines (measured in
 * docs/BENCHMARKS.md, "The test suite"). Only the test harness uses it; the product's own launchers
 * are not changed by it.
 *
 * <p>The first long-running process of a jar (one claim, by a lock file, across every test JVM) runs
 * with {@code -XX:ArchiveClassesAtExit} into a file of its own; when it ended by itself or by SIGTERM,
 * that file becomes the archive by an atomic rename, so no JVM ever maps a half-written archive. A
 * process killed by SIGKILL leaves no archive: the claim is released and a later start tries again.
 * The archive's name holds the jar's size and time, so a rebuilt jar gets a new one. Every CDS log
 * line is off, so a command's output (which tests parse) is the same with or without an archive.
 */
final class ClassDataSharing {
    /** Silences the JVM's CDS messages (a stale archive is then ignored without a word). */
    private static final String QUIET = "-Xlog:cds=off,cds+dynamic=off,aot=off";

    /** Exit codes of a JVM that ran its exit path (and so wrote its archive): its own, or SIGTERM's. */
    private static final int SIGKILLED = 128 + 9;

    private ClassDataSharing() {}

    /** What one process's command gets, and what to do when it has ended. */
    record Use(List<String> flags, Optional<Path> training, Path archive, Path claim) {
        static Use none() {
            return new Use(List.of(), Optional.empty(), null, null);
        }

        /** The process ended with {@code exitCode}: keeps its archive if it wrote a whole one. */
        void ended(int exitCode) {
            if (training.isEmpty()) {
                return;
            }
            Path written = training.get();
            try {
                if (exitCode != SIGKILLED && Files.isRegularFile(written) && Files.size(written) > 0) {
                    Files.move(written, archive, StandardCopyOption.ATOMIC_MOVE);
                } else {
                    Files.deleteIfExists(written);
                    Files.deleteIfExists(claim);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot keep the CDS archive " + written, e);
            }
        }
    }

    /**
     * The flags for a JVM running {@code jar}: the archive if there is one; else, when {@code mayTrain}
     * and nobody claimed it yet, the flags that write it at exit; else none.
     */
    static Use forJar(Path jar, boolean mayTrain) {
        if (!Boolean.parseBoolean(System.getProperty("enginex.e2e.cds", "true"))) {
            return Use.none(); // -Denginex.e2e.cds=false: to measure what the archive saves, or rule it out
        }
        if (!jar.equals(Jvm.serverJar()) && !jar.equals(Jvm.agentJar())) {
            return Use.none(); // release jars built by a test are started a few times only
        }
        try {
            Path dir = Files.createDirectories(
                    Jvm.logs().toAbsolutePath().getParent().resolve("cds"));
            String base = jar.getFileName() + "-" + Files.size(jar) + "-"
                    + Files.getLastModifiedTime(jar).toMillis();
            Path archive = dir.resolve(base + ".jsa");
            Path claim = dir.resolve(base + ".claim");
            if (Files.isRegularFile(archive)) {
                return new Use(List.of("-XX:SharedArchiveFile=" + archive, QUIET), Optional.empty(), archive, claim);
            }
            if (!mayTrain) {
                return Use.none();
            }
            try {
                Files.createFile(claim);
            } catch (FileAlreadyExistsException taken) {
                return Use.none();
            }
            Path training = dir.resolve(base + "." + ProcessHandle.current().pid() + ".training");
            return new Use(
                    List.of("-XX:ArchiveClassesAtExit=" + training, QUIET), Optional.of(training), archive, claim);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare a CDS archive for " + jar, e);
        }
    }
}
