package io.enginex.edge.server.packages;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Runs one of the standard tools the package repositories are made with (GnuPG, apt-ftparchive,
 * createrepo_c, rpmsign) and returns its standard output. Input, when given, goes to its standard input
 * (how a passphrase reaches gpg without appearing on a command line). Blocking; any thread.
 */
final class ExternalTool {
    private ExternalTool() {}

    /** A tool that is not installed or failed; the message names the fix. */
    static final class ToolException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        ToolException(String message) {
            super(message);
        }
    }

    /**
     * @param debianPackage what to install when the tool is missing, for the error message
     * @param stdin bytes for the tool's standard input, or null for none
     * @throws ToolException when the tool is missing or exits non-zero (with its error output)
     */
    static byte[] run(List<String> command, String debianPackage, Path workDir, byte[] stdin) {
        Process process;
        try {
            var builder = new ProcessBuilder(command);
            if (workDir != null) {
                builder.directory(workDir.toFile());
            }
            process = builder.start();
        } catch (IOException e) {
            throw new ToolException(command.getFirst() + " is not installed or cannot run (" + e.getMessage()
                    + "); install it: apt-get install " + debianPackage);
        }
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
        try (OutputStream in = process.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin);
            }
        } catch (IOException e) {
            // the tool may exit before reading its input; its exit code says what happened
        }
        byte[] out = readAll(process.getInputStream());
        int code;
        try {
            code = process.waitFor();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new ToolException(command.getFirst() + " was interrupted");
        }
        if (code != 0) {
            throw new ToolException(command.getFirst() + " failed (exit " + code + "): "
                    + new String(err.join(), StandardCharsets.UTF_8).strip());
        }
        return out;
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
