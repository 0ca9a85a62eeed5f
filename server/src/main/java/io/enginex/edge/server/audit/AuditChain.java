package io.enginex.edge.server.audit;

import io.enginex.edge.server.store.AuditEvent;
import io.enginex.edge.server.store.AuditHash;
import io.enginex.edge.server.store.AuditStore;
import io.enginex.edge.server.store.AuditStore.ChainHead;
import java.time.Instant;
import java.util.List;

/**
 * Checks the hash chain of a tenant's audit trail ({@link AuditHash}): walks it in order, a page at a
 * time, and stops at the first broken link. A link is broken when a link before it is missing (its
 * {@code seq} skips), when it was chained to another event than the one before it (deleted,
 * inserted or reordered events), or when its content no longer matches its hash (edited); the chain
 * as a whole is broken when it is shorter than its head row says (the newest events were deleted).
 * Thread-safe; reads only.
 */
public final class AuditChain {
    private static final int PAGE = 1000;

    private final AuditStore store;

    public AuditChain(AuditStore store) {
        this.store = store;
    }

    /**
     * The first broken link.
     *
     * @param eventId the event where the chain breaks, or null when the break is at its end
     * @param seq its position in the chain (1 = first)
     * @param at when the event says it happened, or null
     * @param problem what differs, for a person
     */
    public record Break(String eventId, long seq, Instant at, String problem) {}

    /**
     * What {@link #verify} found.
     *
     * @param events links that verified (all of them when {@code firstBreak} is null)
     * @param unchained events from before the chain began (not covered by it)
     * @param firstBreak the first broken link, or null when the chain verifies
     */
    public record Report(String tenantId, long events, long unchained, Break firstBreak) {
        public boolean verified() {
            return firstBreak == null;
        }
    }

    /** Verifies the chain of {@code tenantId} (null: the hub-wide chain). */
    public Report verify(String tenantId) {
        long unchained = store.unchained(tenantId);
        long expected = 1;
        String previousHash = AuditHash.GENESIS;
        String previousId = null;
        while (true) {
            List<AuditEvent> page = store.chain(tenantId, expected - 1, PAGE);
            for (AuditEvent e : page) {
                Break broken = check(e, expected, previousHash, previousId);
                if (broken != null) {
                    return new Report(tenantId, expected - 1, unchained, broken);
                }
                previousHash = e.hash();
                previousId = e.id();
                expected++;
            }
            if (page.size() < PAGE) {
                break;
            }
        }
        long links = expected - 1;
        ChainHead head = store.head(tenantId).orElse(new ChainHead(0, AuditHash.GENESIS));
        if (head.seq() != links || !head.lastHash().equals(previousHash)) {
            return new Report(
                    tenantId,
                    links,
                    unchained,
                    new Break(
                            null,
                            links + 1,
                            null,
                            "the chain ends after event #" + links + (previousId == null ? "" : " (" + previousId + ")")
                                    + " but its head says " + head.seq() + " events ending in hash "
                                    + abbrev(head.lastHash())
                                    + ": the newest " + Math.max(0, head.seq() - links)
                                    + " event(s) were deleted, or the head was changed"));
        }
        return new Report(tenantId, links, unchained, null);
    }

    private static Break check(AuditEvent e, long expected, String previousHash, String previousId) {
        if (e.seq() != expected) {
            return new Break(
                    e.id(),
                    e.seq(),
                    e.at(),
                    "event #" + e.seq() + " follows event #" + (expected - 1)
                            + (previousId == null ? "" : " (" + previousId + ")") + ": " + (e.seq() - expected)
                            + " event(s) before it are missing (deleted) or were renumbered");
        }
        if (!previousHash.equals(e.prevHash())) {
            return new Break(
                    e.id(),
                    e.seq(),
                    e.at(),
                    "event #" + e.seq() + " was chained after an event with hash " + abbrev(e.prevHash())
                            + ", but the event before it here"
                            + (previousId == null ? " (the start of the chain)" : " (" + previousId + ")")
                            + " has hash " + abbrev(previousHash)
                            + ": events before it were deleted, inserted or reordered");
        }
        String computed = AuditHash.of(e);
        if (!computed.equals(e.hash())) {
            return new Break(
                    e.id(),
                    e.seq(),
                    e.at(),
                    "event #" + e.seq() + " does not match its hash (stored " + abbrev(e.hash()) + ", computed "
                            + abbrev(computed) + "): its content was changed after it was written");
        }
        return null;
    }

    private static String abbrev(String hash) {
        return hash == null ? "none" : hash.length() > 12 ? hash.substring(0, 12) + "…" : hash;
    }
}
