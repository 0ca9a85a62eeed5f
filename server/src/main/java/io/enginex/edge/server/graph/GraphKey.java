package io.enginex.edge.server.graph;

import io.enginex.edge.common.tuf.TufKey;
import io.enginex.edge.common.tuf.TufSigner;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.NamedParameterSpec;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The hub's Ed25519 key that signs graph versions ({@link io.enginex.edge.common.graph.GraphEnvelope}),
 * derived from the hub secret (HMAC-SHA256 of a fixed label under it, as the Ed25519 seed). Every
 * node of a cluster shares the hub secret (the nodes check it on start), so they sign with the same
 * key without another file to copy; replacing the hub secret replaces this key, and agents then refuse
 * new graphs until re-enrolled (the key is pinned on the agent on its first welcome).
 */
public final class GraphKey {
    private static final byte[] LABEL = "enginex graph signing key v1".getBytes(StandardCharsets.UTF_8);

    private GraphKey() {}

    /** The signer of {@code hubSecret}; the same secret always gives the same key. */
    public static TufSigner derive(byte[] hubSecret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(hubSecret, "HmacSHA256"));
            byte[] seed = mac.doFinal(LABEL);
            KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
            // The JDK's generator takes the private key's 32 bytes from the random source: give it the seed.
            generator.initialize(NamedParameterSpec.ED25519, new Seed(seed));
            KeyPair pair = generator.generateKeyPair();
            return new TufSigner(TufKey.of(pair.getPublic()), pair.getPrivate());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no Ed25519 or HmacSHA256", e);
        }
    }

    /** A "random" source that yields the seed once, then refuses (so no other bytes are taken silently). */
    private static final class Seed extends SecureRandom {
        private static final long serialVersionUID = 1L;
        private transient byte[] seed;

        Seed(byte[] seed) {
            this.seed = seed.clone();
        }

        @Override
        public void nextBytes(byte[] bytes) {
            if (seed == null || bytes.length != seed.length) {
                throw new IllegalStateException("the Ed25519 generator asked for " + bytes.length + " bytes");
            }
            System.arraycopy(seed, 0, bytes, 0, bytes.length);
            seed = null;
        }
    }
}
