package io.enginex.edge.server.registration;

import io.enginex.edge.server.HubException;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/** Reads agents' public keys: base64 of the X.509 SubjectPublicKeyInfo DER of an Ed25519 key. */
final class Ed25519Keys {
    private Ed25519Keys() {}

    /**
     * Parses {@code base64Spki}.
     *
     * @throws HubException.BadRequest if it is not base64, not SPKI, or not an Ed25519 key
     */
    public static PublicKey parse(String base64Spki) {
        if (base64Spki == null || base64Spki.isBlank()) {
            throw new HubException.BadRequest(
                    "publicKey is required: base64 of the X.509 SubjectPublicKeyInfo " + "of the agent's Ed25519 key");
        }
        byte[] der;
        try {
            der = Base64.getDecoder().decode(base64Spki.trim());
        } catch (IllegalArgumentException e) {
            throw new HubException.BadRequest("publicKey is not valid base64: " + e.getMessage());
        }
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
        } catch (InvalidKeySpecException e) {
            throw new HubException.BadRequest("publicKey must be an Ed25519 key in X.509 SubjectPublicKeyInfo form "
                    + "(Java: KeyPairGenerator.getInstance(\"Ed25519\") then getPublic().getEncoded())");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no Ed25519", e);
        }
    }
}
