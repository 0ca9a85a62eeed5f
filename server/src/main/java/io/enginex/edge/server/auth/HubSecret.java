package io.enginex.edge.server.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

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

    /**
     * A value that tells secrets apart without revealing them (an HMAC of a fixed text under the key),
     * so that nodes sharing a database can check they share the secret.
     */
    public String fingerprint() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] tag = mac.doFinal("enginex hub secret fingerprint v1".getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(tag, 0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
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
