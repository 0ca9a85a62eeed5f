package io.enginex.edge.agent.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.protocol.SecretSeal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * This device's X25519 key pair for key agreement: the hub seals the tenant's secrets to its public
 * half (sent in every {@code hello}), and only this agent's state folder holds the private half. Kept
 * in {@value #FILE} beside the vault, owner-only (mode 600) and replaced atomically like the vault
 * file; a file others may read is refused, naming the fix. Made once, on first use.
 */
public final class ExchangeKey {
    public static final String FILE = "exchange-key.json";

    private final KeyPair pair;

    private ExchangeKey(KeyPair pair) {
        this.pair = pair;
    }

    /**
     * Loads the key pair from {@code stateDir}, or makes and stores one.
     *
     * @throws VaultException when the file is unreadable, damaged, or readable by others
     */
    public static ExchangeKey loadOrCreate(Path stateDir, ObjectMapper mapper) {
        Path file = stateDir.resolve(FILE);
        if (Files.exists(file)) {
            return new ExchangeKey(read(file, mapper));
        }
        KeyPair pair = SecretSeal.newKeyPair();
        ObjectNode json = mapper.createObjectNode();
        json.put("format", 1);
        json.put("algorithm", SecretSeal.CURVE);
        json.put(
                "publicKey", Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()));
        json.put(
                "privateKey",
                Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()));
        try {
            OwnerOnly.replace(file, mapper.writeValueAsBytes(json));
        } catch (IOException e) {
            throw new VaultException(
                    "cannot write the exchange key " + file + " ("
                            + e.getClass().getSimpleName() + "); run as the agent's user",
                    e);
        }
        return new ExchangeKey(pair);
    }

    private static KeyPair read(Path file, ObjectMapper mapper) {
        byte[] bytes = OwnerOnly.read(file, "exchange key file");
        try {
            JsonNode json = mapper.readTree(bytes);
            var publicKey = SecretSeal.publicKey(json.path("publicKey").asText());
            var privateKey = KeyFactory.getInstance(SecretSeal.CURVE)
                    .generatePrivate(new PKCS8EncodedKeySpec(
                            Base64.getDecoder().decode(json.path("privateKey").asText())));
            return new KeyPair(publicKey, privateKey);
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new VaultException(
                    "the exchange key file " + file + " is damaged ("
                            + e.getClass().getSimpleName()
                            + "); delete it: the agent makes a new key and the hub seals secrets to it from its next"
                            + " connect (define them again on the hub)",
                    e);
        }
    }

    public KeyPair pair() {
        return pair;
    }

    /** The public key as sent in {@code hello}: base64 of its X.509 SubjectPublicKeyInfo. */
    public String publicKeyBase64() {
        return Base64.getEncoder().encodeToString(pair.getPublic().getEncoded());
    }

    @Override
    public String toString() {
        return "ExchangeKey[" + publicKeyBase64() + "]";
    }
}
