package io.enginex.edge.agent.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The vault file's envelope:
 *
 * <pre>{"format":1,"keyStore":"kernel-keyring","keyName":"enginex-agent-vault:…","keyCheck":"…",
 *  "nonce":"…","sealed":"…"}</pre>
 *
 * <p>{@code sealed} is AES-256-GCM (128-bit tag, a fresh 96-bit nonce per write) of the entries'
 * JSON, with the header ({@code format}, {@code keyStore}, {@code keyName}) as associated data, so a
 * header pointed at another key fails like a changed ciphertext. {@code keyCheck} (an HMAC of a fixed
 * label under the key, 16 bytes) tells "this is not the vault's key" apart from "the file was changed".
 */
final class Sealed {
    static final int FORMAT = 1;
    private static final int NONCE_BYTES = 12;
    private static final byte[] CHECK_LABEL = "enginex-agent vault key check".getBytes(StandardCharsets.US_ASCII);

    /** The envelope's clear part. */
    record Header(String keyStore, String keyName, String keyCheck) {
        byte[] associatedData() {
            return ("enginex-agent vault " + FORMAT + "\n" + keyStore + "\n" + keyName)
                    .getBytes(StandardCharsets.UTF_8);
        }
    }

    private Sealed() {}

    static Header header(JsonNode envelope, Path file) {
        if (envelope == null
                || !envelope.isObject()
                || envelope.path("format").asInt() != FORMAT
                || !envelope.path("keyStore").isTextual()
                || !envelope.path("keyName").isTextual()
                || !envelope.path("keyCheck").isTextual()) {
            throw damaged(file, "its header is not a vault header of format " + FORMAT);
        }
        return new Header(
                envelope.get("keyStore").asText(),
                envelope.get("keyName").asText(),
                envelope.get("keyCheck").asText());
    }

    static String keyCheck(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] full = mac.doFinal(CHECK_LABEL);
            return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(full, 16));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this Java runtime", e);
        }
    }

    static byte[] seal(Header header, byte[] key, byte[] plain, SecureRandom random, ObjectMapper mapper) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        byte[] sealed;
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
            cipher.updateAAD(header.associatedData());
            sealed = cipher.doFinal(plain);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is missing from this Java runtime", e);
        }
        ObjectNode envelope = mapper.createObjectNode()
                .put("format", FORMAT)
                .put("keyStore", header.keyStore())
                .put("keyName", header.keyName())
                .put("keyCheck", header.keyCheck())
                .put("nonce", Base64.getEncoder().encodeToString(nonce))
                .put("sealed", Base64.getEncoder().encodeToString(sealed));
        try {
            return mapper.writeValueAsBytes(envelope);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode the vault envelope", e);
        }
    }

    /**
     * @throws VaultException when the key is not the vault's or the file was changed
     */
    static byte[] open(JsonNode envelope, Header header, byte[] key, String keyDescription, Path file) {
        if (!MessageDigest.isEqual(
                keyCheck(key).getBytes(StandardCharsets.US_ASCII),
                header.keyCheck().getBytes(StandardCharsets.US_ASCII))) {
            throw new VaultException("the key in " + keyDescription + " is not the key vault file " + file
                    + " was sealed with (a vault copied from another machine or account, or its key replaced), so its"
                    + " secrets cannot be read; run enginex-agent secrets wipe and set them again");
        }
        byte[] nonce;
        byte[] sealed;
        try {
            nonce = Base64.getDecoder().decode(envelope.path("nonce").asText());
            sealed = Base64.getDecoder().decode(envelope.path("sealed").asText());
        } catch (IllegalArgumentException e) {
            throw damaged(file, "its nonce or sealed part is not base64");
        }
        if (nonce.length != NONCE_BYTES) {
            throw damaged(file, "its nonce is not " + NONCE_BYTES + " bytes");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
            cipher.updateAAD(header.associatedData());
            return cipher.doFinal(sealed);
        } catch (AEADBadTagException e) {
            throw damaged(file, "it was changed after the agent sealed it (its authentication tag does not match)");
        } catch (GeneralSecurityException e) {
            throw damaged(file, "it cannot be decrypted (" + e.getClass().getSimpleName() + ")");
        }
    }

    static VaultException damaged(Path file, String why) {
        return new VaultException("vault file " + file + " cannot be used: " + why + ". The agent will not use its"
                + " secrets; run enginex-agent secrets wipe and set them again");
    }
}
