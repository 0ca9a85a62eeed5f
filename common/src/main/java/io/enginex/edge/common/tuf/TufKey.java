package io.enginex.edge.common.tuf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * An Ed25519 public key as TUF writes it ({@code {"keytype":"ed25519","scheme":"ed25519",
 * "keyval":{"public":"<64 hex>"}}}); its key id is the SHA-256 of that object's canonical form.
 * Other key types are refused: this repository signs with Ed25519 from the JDK only.
 */
public record TufKey(String keyId, String publicHex, PublicKey publicKey) {
    /** X.509 SubjectPublicKeyInfo prefix of an Ed25519 key; the raw 32 bytes follow it. */
    private static final byte[] X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    public static TufKey of(PublicKey key) {
        byte[] encoded = key.getEncoded();
        if (!"Ed25519".equals(key.getAlgorithm()) && !"EdDSA".equals(key.getAlgorithm())
                || encoded.length != X509_PREFIX.length + 32) {
            throw new TufException("invalid", "not an Ed25519 key: " + key.getAlgorithm());
        }
        String hex = HexFormat.of().formatHex(Arrays.copyOfRange(encoded, X509_PREFIX.length, encoded.length));
        return fromHex(hex);
    }

    public static TufKey fromHex(String publicHex) {
        byte[] raw;
        try {
            raw = HexFormat.of().parseHex(publicHex);
        } catch (IllegalArgumentException e) {
            throw new TufException("invalid", "an ed25519 key's public value is not hex", e);
        }
        if (raw.length != 32) {
            throw new TufException("invalid", "an ed25519 public key has 32 bytes, not " + raw.length);
        }
        byte[] encoded = new byte[X509_PREFIX.length + 32];
        System.arraycopy(X509_PREFIX, 0, encoded, 0, X509_PREFIX.length);
        System.arraycopy(raw, 0, encoded, X509_PREFIX.length, 32);
        try {
            PublicKey key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(encoded));
            String hex = publicHex.toLowerCase(java.util.Locale.ROOT);
            return new TufKey(TufJson.sha256(TufJson.canonical(json(hex))), hex, key);
        } catch (GeneralSecurityException e) {
            throw new TufException("invalid", "not a usable ed25519 key: " + e.getMessage(), e);
        }
    }

    /**
     * Reads a key of a root's {@code keys} map and checks that {@code keyId} is the id of its content
     * (so one key cannot be counted twice under two ids towards a threshold).
     */
    public static TufKey fromJson(String keyId, JsonNode json) {
        if (!"ed25519".equals(json.path("keytype").asText())
                || !"ed25519".equals(json.path("scheme").asText())) {
            throw new TufException(
                    "invalid",
                    "key " + keyId + " is " + json.path("keytype").asText() + "/"
                            + json.path("scheme").asText() + "; only ed25519 is accepted");
        }
        TufKey key = fromHex(json.path("keyval").path("public").asText());
        if (!key.keyId().equals(keyId)) {
            throw new TufException(
                    "invalid", "key id " + keyId + " is not the SHA-256 of its key (" + key.keyId() + ")");
        }
        return key;
    }

    public ObjectNode toJson() {
        return json(publicHex);
    }

    private static ObjectNode json(String hex) {
        ObjectNode key = TufJson.MAPPER.createObjectNode();
        key.put("keytype", "ed25519");
        key.put("scheme", "ed25519");
        key.putObject("keyval").put("public", hex);
        return key;
    }

    /** Whether {@code hexSignature} is this key's signature over {@code message}. */
    public boolean verifies(byte[] message, String hexSignature) {
        try {
            byte[] sig = HexFormat.of().parseHex(hexSignature);
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(publicKey);
            verifier.update(message);
            return verifier.verify(sig);
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            return false;
        }
    }
}
