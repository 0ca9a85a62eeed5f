package io.enginex.edge.server.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * The hash of one link of the audit chain: SHA-256, in lower-case hex, over the event's canonical
 * content. The canonical form lists, in this order, the tenant, seq, prevHash, id, at (ISO-8601,
 * microseconds), type, actor type and id, source address, target type and id, outcome and the
 * details JSON, each as {@code <length>:<UTF-8 text>;} or {@code -;} for null, and then, for an
 * event of a node's chain, the chain's name (events of a tenant's first chain, from before the chains
 * were per node, have no name, so their hashes stay as written). No two different events share a
 * form. Changing any of them, the position or the link before breaks the hash.
 */
public final class AuditHash {
    /** The {@code prevHash} of the first link of a chain. */
    public static final String GENESIS = "0".repeat(64);

    private AuditHash() {}

    /** The hash of {@code event} (its {@code hash} field is ignored). */
    public static String of(AuditEvent event) {
        StringBuilder form = new StringBuilder(256);
        field(form, event.tenantId());
        field(form, event.seq() == null ? null : event.seq().toString());
        field(form, event.prevHash());
        field(form, event.id());
        field(form, event.at() == null ? null : micros(event.at()).toString());
        field(form, event.type());
        field(form, event.actorType());
        field(form, event.actorId());
        field(form, event.sourceIp());
        field(form, event.targetType());
        field(form, event.targetId());
        field(form, event.outcome());
        field(form, event.detailsJson());
        if (event.chain() != null) {
            field(form, event.chain());
        }
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256").digest(form.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }

    private static Instant micros(Instant at) {
        return at.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }

    private static void field(StringBuilder form, String value) {
        if (value == null) {
            form.append("-;");
        } else {
            form.append(value.length()).append(':').append(value).append(';');
        }
    }
}
