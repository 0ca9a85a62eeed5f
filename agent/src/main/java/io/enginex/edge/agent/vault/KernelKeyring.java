package io.enginex.edge.agent.vault;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The Linux kernel keyring: the key is a {@code user} key in the user keyring ({@code @u}) of the
 * account running the agent, through the {@code keyctl} tool (Debian package {@code keyutils}). The
 * key is passed on stdin and read from stdout, never on a command line. Its permissions give every
 * process of the same account read access (possessor and user: all), so the agent started by systemd
 * and {@code enginex-agent secrets} in a terminal of that account see the same key; other accounts
 * do not.
 *
 * <p>The kernel keeps the key in memory only: it is gone after a reboot, and once no process of the
 * account is left. The vault then cannot be read and says so (docs/security/VAULT.md).
 */
final class KernelKeyring implements VaultKeys {
    static final String KIND = "kernel-keyring";

    /** Possessor all, user view/read/write/search/link/setattr; group and others nothing. */
    private static final String PERMISSIONS = "0x3f3f0000";

    private static final List<Path> LOCATIONS =
            List.of(Path.of("/usr/bin/keyctl"), Path.of("/bin/keyctl"), Path.of("/usr/sbin/keyctl"));

    private final Path keyctl;

    KernelKeyring(Path keyctl) {
        this.keyctl = keyctl;
    }

    /** The {@code keyctl} tool of this machine, if installed. */
    static Optional<Path> findKeyctl() {
        return LOCATIONS.stream().filter(Files::isExecutable).findFirst();
    }

    /**
     * Why the kernel keyring cannot be used here (no {@code keyctl}, or the kernel or a sandbox refuses
     * keys), or empty when a probe key could be added, read back and removed.
     */
    static Optional<String> unusable() {
        Optional<Path> tool = findKeyctl();
        if (tool.isEmpty()) {
            return Optional.of("the keyctl tool is not installed (Debian/Ubuntu: sudo apt-get install keyutils)");
        }
        KernelKeyring ring = new KernelKeyring(tool.get());
        String name = "enginex-agent-probe:" + ProcessHandle.current().pid() + ":" + System.nanoTime();
        byte[] probe = "probe".getBytes(StandardCharsets.US_ASCII);
        try {
            ring.create(name, probe);
            boolean same = java.util.Arrays.equals(ring.load(name), probe);
            ring.delete(name);
            return same ? Optional.empty() : Optional.of("the kernel keyring gave back another value than stored");
        } catch (VaultException e) {
            return Optional.of(e.getMessage());
        }
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public String describe(String keyName) {
        return "the kernel keyring of this account (@u, key \"" + keyName + "\")";
    }

    @Override
    public void create(String keyName, byte[] key) {
        Result added = run(key, "padd", "user", keyName, "@u");
        if (added.code() != 0) {
            throw new VaultException("the kernel keyring refused a new key (keyctl padd: " + added.error()
                    + "); a container's seccomp profile may block keyctl. Run the agent where the keyring is"
                    + " usable, or choose the key file with --key-store file (see docs/security/VAULT.md)");
        }
        String id = added.text().trim();
        Result perm = run(new byte[0], "setperm", id, PERMISSIONS);
        if (perm.code() != 0) {
            run(new byte[0], "invalidate", id);
            throw new VaultException("cannot set the permissions of the vault's key in the kernel keyring (keyctl"
                    + " setperm: " + perm.error() + ")");
        }
    }

    @Override
    public byte[] load(String keyName) {
        String id = find(keyName)
                .orElseThrow(() -> new VaultException("the vault's key \"" + keyName
                        + "\" is not in the kernel keyring of this account: the kernel forgets keys at a reboot and when the"
                        + " account's last process ends, and another account or machine never had it. The secrets in the"
                        + " vault cannot be read any more; run enginex-agent secrets wipe and set them again"));
        Result read = run(new byte[0], "pipe", id);
        if (read.code() != 0) {
            throw new VaultException(
                    "cannot read the vault's key from the kernel keyring (keyctl pipe: " + read.error() + ")");
        }
        return read.out();
    }

    @Override
    public void delete(String keyName) {
        find(keyName).ifPresent(id -> {
            Result gone = run(new byte[0], "invalidate", id);
            if (gone.code() != 0 && run(new byte[0], "unlink", id, "@u").code() != 0) {
                throw new VaultException("cannot remove the vault's key from the kernel keyring (keyctl invalidate: "
                        + gone.error() + ")");
            }
        });
    }

    private Optional<String> find(String keyName) {
        Result found = run(new byte[0], "search", "@u", "user", keyName);
        if (found.code() != 0) {
            String error = found.error();
            // An invalidated key answers "revoked" until the kernel's collector removes it: gone all the same.
            if (error.contains("not available") || error.contains("revoked") || error.contains("expired")) {
                return Optional.empty();
            }
            throw new VaultException("cannot search the kernel keyring (keyctl search: " + error + ")");
        }
        return Optional.of(found.text().trim());
    }

    private Result run(byte[] input, String... args) {
        List<String> command = new ArrayList<>();
        command.add(keyctl.toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().clear();
        builder.environment().put("LANG", "C");
        try {
            Process process = builder.start();
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
            try (OutputStream in = process.getOutputStream()) {
                in.write(input);
            }
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new VaultException("keyctl " + args[0] + " did not answer within 10 s");
            }
            return new Result(
                    process.exitValue(),
                    out.get(5, TimeUnit.SECONDS),
                    new String(err.get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8).trim());
        } catch (IOException | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new VaultException(
                    "cannot run " + keyctl + " (" + e.getClass().getSimpleName() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VaultException("interrupted while asking the kernel keyring", e);
        }
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            in.transferTo(bytes);
            return bytes.toByteArray();
        } catch (IOException e) {
            return new byte[0];
        }
    }

    private record Result(int code, byte[] out, String error) {
        String text() {
            return new String(out, StandardCharsets.US_ASCII);
        }
    }
}
