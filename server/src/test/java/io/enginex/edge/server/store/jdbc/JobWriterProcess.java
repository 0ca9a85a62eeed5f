package io.enginex.edge.server.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A running {@link JobWriter} child JVM and what it said, read on a thread of its own so the child
 * never blocks on a full pipe: the ids it acknowledged, in order ({@link #next()}) and as a set.
 */
final class JobWriterProcess implements AutoCloseable {
    private static final long LINE_SECONDS = 60;

    private final Process process;
    private final BlockingQueue<String> protocol = new LinkedBlockingQueue<>();
    private final Set<String> acked = ConcurrentHashMap.newKeySet();
    private final StringBuffer output = new StringBuffer();
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile long readyAt;

    private JobWriterProcess(Process process) {
        this.process = process;
        Thread.ofVirtual().start(this::read);
    }

    /** Starts {@code JobWriter dataDir run threads jobsPerThread urlSettings} (0 jobs: until killed). */
    static JobWriterProcess start(Path dataDir, int run, int threads, int jobsPerThread, String urlSettings)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(
                javaBinary(),
                // The child's start is most of a round on a loaded machine: start it quicker.
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                JobWriter.class.getName(),
                dataDir.toString(),
                Integer.toString(run),
                Integer.toString(threads),
                Integer.toString(jobsPerThread),
                urlSettings));
        return new JobWriterProcess(
                new ProcessBuilder(command).redirectErrorStream(true).start());
    }

    private void read() {
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.equals("ready")) {
                    readyAt = System.nanoTime();
                } else if (line.startsWith("ack job_")) {
                    acked.add(line.substring("ack ".length()));
                    protocol.add(line);
                } else if (line.equals("idle")) {
                    protocol.add(line);
                } else if (output.length() < 20_000) {
                    output.append(line).append('\n');
                }
            }
        } catch (IOException e) {
            output.append("(output closed: ").append(e.getMessage()).append(")\n");
        } finally {
            closed.countDown();
        }
    }

    /** The next {@code ack <id>} or {@code idle} line, waiting up to a minute for it. */
    String next() throws InterruptedException {
        String line = protocol.poll(LINE_SECONDS, TimeUnit.SECONDS);
        assertThat(line)
                .as("a line from the child within %d s; it said:%n%s", LINE_SECONDS, output)
                .isNotNull();
        return line;
    }

    /** The ids acknowledged so far. */
    Set<String> acked() {
        return acked;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** What the child printed besides its protocol lines (errors, stack traces). */
    String output() {
        return output.toString();
    }

    /**
     * SIGKILL (on Unix): no shutdown hook runs and H2 is not closed. Returns once all output is read,
     * with how long the child wrote (from {@code ready} to the kill).
     */
    long kill() throws InterruptedException {
        long writing = System.nanoTime() - readyAt;
        process.destroyForcibly();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(closed.await(30, TimeUnit.SECONDS)).isTrue();
        return writing;
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }

    private static String javaBinary() {
        String configured = System.getProperty("enginex.java");
        if (configured != null && !configured.isBlank() && !configured.contains("${")) {
            return configured;
        }
        return ProcessHandle.current().info().command().orElse("java");
    }
}
