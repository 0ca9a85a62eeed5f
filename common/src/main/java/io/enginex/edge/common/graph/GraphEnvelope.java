package io.enginex.edge.common.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.common.tuf.TufJson;
import io.enginex.edge.common.tuf.TufKey;
import io.enginex.edge.common.tuf.TufSigner;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * A graph version as the hub issues it: signed with the hub's Ed25519 graph key in the envelope the
 * update repository's metadata uses ({@link TufSigner#envelope}: {@code {"signed":…,"signatures":
 * [{"keyid":…,"sig":…}]}}, the signature over the canonical JSON, RFC 8785, of {@code signed}).
 *
 * <pre>{@code
 * {"signed":{"_type":"enginex-graph","tenant":"acme","graphId":"gph_…","name":"nightly","version":2,
 *            "scope":"label:team=finance","sha256":"<hex of document's UTF-8>","document":"{\"version\":1,…}",
 *            "issuedAt":"2026-12-05T09:00:00Z"},
 *  "signatures":[{"keyid":"<sha256 of the key>","sig":"<hex>"}]}
 * }</pre>
 *
 * The document is the graph's text exactly as uploaded, so line numbers in problems stay the user's.
 */
public final class GraphEnvelope {
    /** The {@code _type} of a signed graph, so no other signed object of the same key passes as one. */
    public static final String TYPE = "enginex-graph";

    private GraphEnvelope() {}

    /** What a valid envelope says. */
    public record Issued(
            String tenant, String graphId, String name, int version, String scope, String document, String sha256) {}

    /** The envelope of one version, signed by {@code signer}. */
    public static ObjectNode sign(Issued graph, Instant issuedAt, TufSigner signer) {
        ObjectNode signed = TufJson.MAPPER.createObjectNode();
        signed.put("_type", TYPE);
        signed.put("tenant", graph.tenant());
        signed.put("graphId", graph.graphId());
        signed.put("name", graph.name());
        signed.put("version", graph.version());
        signed.put("scope", graph.scope());
        signed.put("sha256", graph.sha256());
        signed.put("document", graph.document());
        signed.put("issuedAt", TufJson.time(issuedAt));
        return TufSigner.envelope(signed, List.of(signer));
    }

    /** Hex SHA-256 of the document's UTF-8 bytes. */
    public static String sha256(String document) {
        return TufJson.sha256(document.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Checks an envelope: a valid signature of {@code trusted} over {@code signed}, the type, the
     * tenant, and the document's hash.
     *
     * @throws GraphSignatureException naming what is wrong; the graph must not be stored or run
     */
    public static Issued verify(JsonNode envelope, TufKey trusted, String tenant) {
        JsonNode signed = envelope == null ? null : envelope.get("signed");
        if (signed == null || !signed.isObject()) {
            throw new GraphSignatureException("the graph envelope has no signed object");
        }
        byte[] canonical = TufJson.canonical(signed);
        boolean valid = false;
        for (JsonNode sig : envelope.path("signatures")) {
            if (trusted.keyId().equals(sig.path("keyid").asText())
                    && trusted.verifies(canonical, sig.path("sig").asText())) {
                valid = true;
                break;
            }
        }
        String name = signed.path("name").asText();
        if (!valid) {
            throw new GraphSignatureException("graph " + name + " version "
                    + signed.path("version").asText() + " has no valid signature of the hub's graph key "
                    + trusted.keyId() + "; it was not issued by this hub (or was changed since) and is refused");
        }
        if (!TYPE.equals(signed.path("_type").asText())) {
            throw new GraphSignatureException(
                    "the signed object is a " + signed.path("_type").asText() + ", not a graph; refused");
        }
        if (!tenant.equals(signed.path("tenant").asText())) {
            throw new GraphSignatureException("graph " + name + " was issued for tenant "
                    + signed.path("tenant").asText() + ", not this agent's tenant " + tenant + "; refused");
        }
        String document = signed.path("document").asText();
        String hash = sha256(document);
        if (!hash.equals(signed.path("sha256").asText())) {
            throw new GraphSignatureException("graph " + name + ": the document's SHA-256 is " + hash
                    + ", the signed one " + signed.path("sha256").asText() + "; refused");
        }
        return new Issued(
                tenant,
                signed.path("graphId").asText(),
                name,
                signed.path("version").asInt(),
                signed.path("scope").asText(),
                document,
                hash);
    }
}
