package io.enginex.edge.protocol;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The SHA-256 fingerprint of a certificate's DER encoding, written as agents pin it: {@code
 * sha256:AB:CD:…} (upper-case hex, colon-separated, 32 pairs). The hub prints it for its
 * self-signed certificate; agents and the {@code engine} client pin it ({@code --pin}).
 */
public final class CertificateFingerprint {
    private static final String PREFIX = "sha256:";

    private CertificateFingerprint() {}

    public static String of(X509Certificate certificate) {
        try {
            return of(certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("cannot encode certificate " + certificate.getSubjectX500Principal(), e);
        }
    }

    public static String of(byte[] der) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(der);
            return PREFIX + HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    }

    /**
     * Normalises a fingerprint someone typed ({@code sha256:ab:cd…}, with or without colons, any
     * case) to the canonical form.
     *
     * @throws IllegalArgumentException if it is not 32 bytes of hex after {@code sha256:}
     */
    public static String normalize(String pin) {
        String s = pin == null ? "" : pin.trim();
        if (s.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            s = s.substring(PREFIX.length());
        }
        String hex = s.replace(":", "").toUpperCase(Locale.ROOT);
        if (!hex.matches("[0-9A-F]{64}")) {
            throw new IllegalArgumentException("a pin looks like sha256:AB:CD:… (32 hex pairs, as `engine serve` "
                    + "prints it); got " + (pin == null ? "nothing" : '"' + pin + '"'));
        }
        return PREFIX
                + HexFormat.ofDelimiter(":")
                        .withUpperCase()
                        .formatHex(HexFormat.of().parseHex(hex));
    }
}
