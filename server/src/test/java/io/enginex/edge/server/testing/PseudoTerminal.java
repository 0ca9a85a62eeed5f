package io.enginex.edge.server.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A command run on a real pseudo-terminal (util-linux {@code script}, which opens one and runs the
 * command on its slave side), so the command sees a terminal: {@code isatty}, raw mode through
 * {@code stty}, a window size. Keys are typed into the master side; what the command draws is kept,
 * and {@link #screen} gives the last full frame with its ANSI styles removed, for programs that
 * redraw from the top-left corner ({@code ESC [ H}) on every frame.
 */
public final class PseudoTerminal implements AutoCloseable {
    private static final Pattern ANSI = Pattern.compile("\u001b(\\[[0-9;?]*[ -/]*[@-~]|[()][0-9A-Za-z]|[=>78])");
    private static final String HOME = "\u001b[H";

    private final Process process;
    private final OutputStream keys;
    private final ByteArrayOutputStream seen = new ByteArrayOutputStream();
    private final Thread reader;

    private PseudoTerminal(Process process) {
        this.process = process;
        this.keys = process.getOutputStream();
        this.reader = Thread.ofPlatform().daemon().name("pty-reader").start(this::read);
    }

    /**
     * Runs {@code command} on a terminal of {@code columns}×{@code rows} with {@code env} added to
     * this process's environment.
     */
    public static PseudoTerminal start(List<String> command, Map<String, String> env, int columns, int rows)
            throws IOException {
        StringBuilder line = new StringBuilder("stty cols " + columns + " rows " + rows + " && exec");
        for (String arg : command) {
            line.append(" '").append(arg.replace("'", "'\\''")).append('\'');
        }
        ProcessBuilder builder =
                new ProcessBuilder("script", "-qfec", line.toString(), "/dev/null").redirectErrorStream(true);
        builder.environment().putAll(env);
        return new PseudoTerminal(builder.start());
    }

    private void read() {
        byte[] buffer = new byte[8192];
        try (InputStream in = process.getInputStream()) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                synchronized (seen) {
                    seen.write(buffer, 0, n);
                }
            }
        } catch (IOException e) {
            // the terminal closed
        }
    }

    /** Everything the command wrote so far, as it came (escape sequences included). */
    public String raw() {
        synchronized (seen) {
            return seen.toString(StandardCharsets.UTF_8);
        }
    }

    /** The last frame drawn (from the last cursor-home on), without escape sequences. */
    public String screen() {
        String all = raw();
        int at = all.lastIndexOf(HOME);
        return ANSI.matcher(at < 0 ? all : all.substring(at)).replaceAll("");
    }

    /** The line of the last frame that contains {@code text}, or "" when none does. */
    public String line(String text) {
        return screen().lines().filter(l -> l.contains(text)).findFirst().orElse("");
    }

    /** Waits until the last frame satisfies {@code condition}; the failure shows the frame. */
    public void awaitScreen(String what, Predicate<String> condition) {
        await(what)
                .atMost(Duration.ofSeconds(30))
                .failFast("the command ended: " + raw(), () -> !process.isAlive())
                .untilAsserted(() -> assertThat(screen()).as(what).matches(condition));
    }

    /** Types {@code text} as keys (a carriage return for Enter, a tab for Tab). */
    public void type(String text) throws IOException {
        keys.write(text.getBytes(StandardCharsets.UTF_8));
        keys.flush();
    }

    /** Waits for the command to end and returns its exit code. */
    public int awaitExit() {
        await("the command ends").atMost(Duration.ofSeconds(30)).until(() -> !process.isAlive());
        return process.exitValue();
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        reader.interrupt();
    }
}
