package io.enginex.edge.server.audit;

import io.enginex.edge.server.store.AuditEvent;
import io.enginex.edge.server.store.AuditHash;
import io.enginex.edge.server.store.AuditStore;
import io.enginex.edge.server.store.AuditStore.ChainHead;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Checks the hash chains of a tenant's audit trail ({@link AuditHash}): one chain per hub node that
 * audited for the tenant, and the tenant's first chain from before the chains were per node. Walks
 * each in order, a page at a time, and stops at the first broken link. A link is broken when a link
 * before it is missing (its {@code seq} skips), when it was chained to another event than the one
 * before it (deleted, inserted or reordered events), or when its content no longer matches its hash
 * (edited); a chain as a whole is broken when it is shorter than its head row says (the newest events
 * were deleted) or has links but no head row. Thread-safe; reads only.
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
     * @param chain the node whose chain it is in, or null for the tenant's first chain
     * @param eventId the event where the chain breaks, or null when the break is at its end
     * @param seq its position in the chain (1 = first)
     * @param at when the event says it happened, or null
     * @param problem what differs, for a person
     */
    public record Break(String chain, String eventId, long seq, Instant at, String problem) {}

    /**
     * One chain that verified, to pin elsewhere: a later verification that finds fewer links or
     * another hash at this position means the chain was rebuilt.
     *
     * @param chain the node that appends to it, or null for the tenant's first chain (from before
     *     the chains were per node)
     * @param events its links
     * @param lastHash the hash of its newest link
     */
    public record Chain(String chain, long events, String lastHash) {}

    /**
     * What {@link #verify} found.
     *
     * @param events links that verified, in all chains (all of them when {@code firstBreak} is null)
     * @param unchained events from before the chain began (not covered by it)
     * @param chains the chains that verified whole, the first chain first and then by node name
     * @param firstBreak the first broken link, or null when every chain verifies
     */
    public record Report(String tenantId, long events, long unchained, List<Chain> chains, Break firstBreak) {
        public boolean verified() {
            return firstBreak == null;
        }
    }

    /** Verifies every chain of {@code tenantId} (null: the hub-wide chains). */
    public Report verify(String tenantId) {
        long unchained = store.unchained(tenantId);
        Map<String, ChainHead> heads = new HashMap<>();
        TreeSet<String> names = new TreeSet<>(Comparator.nullsFirst(Comparator.naturalOrder()));
        for (ChainHead head : store.heads(tenantId)) {
            heads.put(head.chain(), head);
            names.add(head.chain());
        }
        names.addAll(store.chainsWithLinks(tenantId));
        List<Chain> verified = new ArrayList<>();
        long events = 0;
        for (String name : names) {
            Walk walk = walk(tenantId, name, heads.get(name));
            events += walk.links;
            if (walk.broken != null) {
                return new Report(tenantId, events, unchained, List.copyOf(verified), walk.broken);
            }
            verified.add(new Chain(name, walk.links, walk.lastHash));
        }
        return new Report(tenantId, events, unchained, List.copyOf(verified), null);
    }

    private record Walk(long links, String lastHash, Break broken) {}

    private Walk walk(String tenantId, String chain, ChainHead head) {
        long expected = 1;
        String previousHash = AuditHash.GENESIS;
        String previousId = null;
        while (true) {
            List<AuditEvent> page = store.chain(tenantId, chain, expected - 1, PAGE);
            for (AuditEvent e : page) {
                Break broken = check(chain, e, expected, previousHash, previousId);
                if (broken != null) {
                    return new Walk(expected - 1, previousHash, broken);
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
        String end = "the chain ends after event #" + links + (previousId == null ? "" : " (" + previousId + ")");
        if (head == null) {
            return endBroken(
                    chain,
                    links,
                    previousHash,
                    end
                            + " but has no head row: the head was deleted, so whether newer events were deleted cannot be"
                            + " told");
        }
        if (head.seq() != links || !head.lastHash().equals(previousHash)) {
            return endBroken(
                    chain,
                    links,
                    previousHash,
                    end
                            + " but its head says " + head.seq() + " events ending in hash " + abbrev(head.lastHash())
                            + ": the newest " + Math.max(0, head.seq() - links)
                            + " event(s) were deleted, or the head was changed");
        }
        return new Walk(links, previousHash, null);
    }

    /** A chain whose links verify but whose end does not match its head. */
    private static Walk endBroken(String chain, long links, String lastHash, String problem) {
        return new Walk(links, lastHash, new Break(chain, null, links + 1, null, problem));
    }

    private static Break check(String chain, AuditEvent e, long expected, String previousHash, String previousId) {
        if (e.seq() != expected) {
            return new Break(
                    chain,
                    e.id(),
                    e.seq(),
                    e.at(),
                    "event #" + e.seq() + " follows event #" + (expected - 1)
                            + (previousId == null ? "" : " (" + previousId + ")") + ": " + (e.seq() - expected)
                            + " event(s) before it are missing (deleted) or were renumbered");
        }
        if (!previousHash.equals(e.prevHash())) {
            return new Break(
                    chain,
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
                    chain,
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
