package io.enginex.edge.server.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The hub's own 32-byte secret for signing capabilities (session page links). Made on first start
 * and kept in {@code <data-dir>/hub.secret}, readable by the owner only, so links survive restarts.
 * Several nodes sharing one database must share this file too.
 */
public final class HubSecret {
    private static final int BYTES = 32;

    private final byte[] key;

    private HubSecret(byte[] key) {
        this.key = key;
    }

    /** Loads {@code file}, creating it with fresh random bytes (owner-only) if it does not exist. */
    public static HubSecret loadOrCreate(Path file, SecureRandom random) {
        try {
            if (!Files.exists(file)) {
                byte[] fresh = new byte[BYTES];
                random.nextBytes(fresh);
                try {
                    OwnerOnlyFiles.writeNew(file, fresh);
                } catch (FileAlreadyExistsException raced) {
                    // another process made it first: use theirs
                }
            }
            byte[] bytes = Files.readAllBytes(file);
            if (bytes.length != BYTES) {
                throw new IllegalStateException("hub secret " + file + " has " + bytes.length + " bytes, expected "
                        + BYTES + "; delete it to make a new one (existing session links stop working)");
            }
            return new HubSecret(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the hub secret " + file, e);
        }
    }

    /** Wraps given bytes (tests). */
    public static HubSecret of(byte[] key) {
        return new HubSecret(key.clone());
    }

    /** A copy of the key bytes. */
    public byte[] bytes() {
        return key.clone();
    }

    @Override
    public String toString() {
        return "HubSecret[****]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HubSecret other && Arrays.equals(key, other.key);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(key);
    }
}
