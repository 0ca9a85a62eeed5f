package io.enginex.edge.agent.transport;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * SHA-256 certificate fingerprints written the way {@code engine serve} prints them: {@code
 * sha256:AB:CD:…} (upper-case hex pairs of the DER certificate, colon separated).
 */
public final class Fingerprints {
    private static final HexFormat COLON_HEX = HexFormat.ofDelimiter(":").withUpperCase();

    private Fingerprints() {}

    /** The fingerprint of {@code der}, e.g. {@code sha256:AB:CD:…}. */
    public static String sha256(byte[] der) {
        return "sha256:" + COLON_HEX.formatHex(digest(der));
    }

    /**
     * Reads a pin as a person may paste it: with or without the {@code sha256:} prefix, with or
     * without colons, any letter case.
     *
     * @return the 32 digest bytes
     * @throws IllegalArgumentException naming the expected form
     */
    public static byte[] parsePin(String pin) {
        String text = pin == null ? "" : pin.strip();
        if (text.toLowerCase(Locale.ROOT).startsWith("sha256:")) {
            text = text.substring("sha256:".length());
        }
        String hex = text.replace(":", "").replace(" ", "");
        if (!hex.matches("[0-9a-fA-F]{64}")) {
            throw new IllegalArgumentException("--pin must be the hub certificate's SHA-256 fingerprint as printed by"
                    + " engine serve, like sha256:AB:CD:… (32 hex pairs)");
        }
        return HexFormat.of().parseHex(hex);
    }

    /** A pin in its canonical spelling {@code sha256:AB:CD:…}. */
    public static String normalizePin(String pin) {
        return "sha256:" + COLON_HEX.formatHex(parsePin(pin));
    }

    static byte[] digest(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java runtime lacks SHA-256", e);
        }
    }
}
