package io.enginex.edge.protocol;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.XECKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals a secret to one device's X25519 exchange key, and opens it there: an ephemeral X25519 key pair
 * per seal, ECDH with the device's public key, HKDF-SHA-256 (RFC 5869) of the shared secret into an
 * AES-256 key, then AES-256-GCM (96-bit nonce, 128-bit tag) with the {@link #context} as associated
 * data. The JDK's own providers only; the same construction as HPKE's base mode with DHKEM(X25519),
 * HKDF-SHA256 and AES-256-GCM, without its labelled encoding (no maintained HPKE library is used).
 *
 * <pre>
 *   shared = X25519(ephemeral private, device public)
 *   key    = HKDF-SHA256(salt = ephemeral public DER ‖ device public DER, ikm = shared,
 *                        info = "enginex secret seal v1", 32 bytes)
 *   sealed = AES-256-GCM(key, nonce, plaintext, aad = context)
 * </pre>
 *
 * Stateless and thread-safe.
 */
public final class SecretSeal {
    /** The key-agreement algorithm of exchange keys. */
    public static final String CURVE = "X25519";

    private static final byte[] INFO = "enginex secret seal v1".getBytes(StandardCharsets.US_ASCII);
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private SecretSeal() {}

    /** A sealed value on the wire: each part base64. */
    public record Sealed(String ephemeralKey, String nonce, String ciphertext) {}

    /** Thrown when a sealed value does not open: another device's, changed, or for another context. */
    public static final class SealException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public SealException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * The associated data that binds a sealed secret to where it may be opened: the agent, the
     * secret's name and the delivery.
     */
    public static byte[] context(String agentId, String name, String deliveryId) {
        return ("enginex-secret-v1\n" + agentId + "\n" + name + "\n" + deliveryId).getBytes(StandardCharsets.UTF_8);
    }

    /** A new exchange key pair. */
    public static KeyPair newKeyPair() {
        try {
            return KeyPairGenerator.getInstance(CURVE).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no X25519", e);
        }
    }

    /**
     * Reads an exchange public key sent on the wire.
     *
     * @throws IllegalArgumentException when it is not base64 of an X25519 SubjectPublicKeyInfo
     */
    public static PublicKey publicKey(String base64) {
        try {
            PublicKey key = KeyFactory.getInstance(CURVE)
                    .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
            if (!(key instanceof XECKey xec)
                    || !(xec.getParams() instanceof NamedParameterSpec named)
                    || !CURVE.equalsIgnoreCase(named.getName())) {
                throw new IllegalArgumentException("the exchange key is not an X25519 key");
            }
            return key;
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "the exchange key is not base64 of an X25519 public key (X.509 SubjectPublicKeyInfo): "
                            + e.getMessage(),
                    e);
        }
    }

    /** Seals {@code plaintext} to {@code recipient} (an X25519 public key) for {@code context}. */
    public static Sealed seal(PublicKey recipient, byte[] plaintext, byte[] context, SecureRandom random) {
        try {
            KeyPair ephemeral = newKeyPair();
            byte[] key = derive(
                    ephemeral.getPrivate(), recipient, ephemeral.getPublic().getEncoded(), recipient.getEncoded());
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
            Arrays.fill(key, (byte) 0);
            cipher.updateAAD(context);
            byte[] sealed = cipher.doFinal(plaintext);
            Base64.Encoder b64 = Base64.getEncoder();
            return new Sealed(
                    b64.encodeToString(ephemeral.getPublic().getEncoded()),
                    b64.encodeToString(nonce),
                    b64.encodeToString(sealed));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot seal a secret: " + e.getMessage(), e);
        }
    }

    /**
     * Opens a value sealed to this device.
     *
     * @param own this device's X25519 key pair
     * @throws SealException when it does not open: sealed to another device's key, changed on the way,
     *     or for another agent, name or delivery
     */
    public static byte[] open(KeyPair own, Sealed sealed, byte[] context) {
        try {
            Base64.Decoder b64 = Base64.getDecoder();
            PublicKey ephemeral = publicKey(sealed.ephemeralKey());
            byte[] key = derive(
                    own.getPrivate(),
                    ephemeral,
                    ephemeral.getEncoded(),
                    own.getPublic().getEncoded());
            byte[] nonce = b64.decode(sealed.nonce());
            if (nonce.length != NONCE_BYTES) {
                throw new IllegalArgumentException("the nonce has " + nonce.length + " bytes, expected " + NONCE_BYTES);
            }
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
            Arrays.fill(key, (byte) 0);
            cipher.updateAAD(context);
            return cipher.doFinal(b64.decode(sealed.ciphertext()));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new SealException(
                    "the secret does not open with this device's exchange key (sealed to another device, changed"
                            + " on the way, or meant for another agent or name)",
                    e);
        }
    }

    private static byte[] derive(PrivateKey own, PublicKey peer, byte[] ephemeralDer, byte[] recipientDer)
            throws GeneralSecurityException {
        KeyAgreement agreement = KeyAgreement.getInstance(CURVE);
        agreement.init(own);
        agreement.doPhase(peer, true);
        byte[] shared = agreement.generateSecret();
        byte[] salt = new byte[ephemeralDer.length + recipientDer.length];
        System.arraycopy(ephemeralDer, 0, salt, 0, ephemeralDer.length);
        System.arraycopy(recipientDer, 0, salt, ephemeralDer.length, recipientDer.length);
        // HKDF-Extract, then one block of HKDF-Expand (32 bytes = one SHA-256 output).
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(salt, "HmacSHA256"));
        byte[] prk = mac.doFinal(shared);
        Arrays.fill(shared, (byte) 0);
        mac.init(new SecretKeySpec(prk, "HmacSHA256"));
        mac.update(INFO);
        mac.update((byte) 1);
        byte[] okm = mac.doFinal();
        Arrays.fill(prk, (byte) 0);
        return okm;
    }
}
