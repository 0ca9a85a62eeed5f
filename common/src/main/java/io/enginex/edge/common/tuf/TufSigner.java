package io.enginex.edge.common.tuf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.HexFormat;
import java.util.List;

/** An Ed25519 private key with its TUF public key: signs a role's {@code signed} object. */
public record TufSigner(TufKey key, PrivateKey privateKey) {
    public static TufSigner generate() {
        try {
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            return new TufSigner(TufKey.of(pair.getPublic()), pair.getPrivate());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no Ed25519", e);
        }
    }

    public String sign(byte[] message) {
        try {
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(privateKey);
            signer.update(message);
            return HexFormat.of().formatHex(signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with Ed25519", e);
        }
    }

    /** {@code {"signed":signed,"signatures":[…]}} signed by every one of {@code signers}. */
    public static ObjectNode envelope(JsonNode signed, List<TufSigner> signers) {
        byte[] canonical = TufJson.canonical(signed);
        ObjectNode envelope = TufJson.MAPPER.createObjectNode();
        ArrayNode signatures = envelope.putArray("signatures");
        for (TufSigner signer : signers) {
            signatures.addObject().put("keyid", signer.key().keyId()).put("sig", signer.sign(canonical));
        }
        envelope.set("signed", signed);
        return envelope;
    }
}
