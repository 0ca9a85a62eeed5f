package io.enginex.edge.server.store;

import java.util.List;
import java.util.Locale;

/**
 * One page of a tenant's (not archived) agents, as the fleet page and the agents API ask for it.
 * Every filter is optional (null or empty: any).
 *
 * @param os agents whose OS is exactly this
 * @param version agents whose agent version is exactly this
 * @param label agents carrying exactly this label
 * @param search text that the hostname, id or a label contains (case-insensitive)
 * @param onlyIds null for any agent, else only these (not revoked) agents: the connected agents in a
 *     state, which the hub knows in memory, not in the database
 * @param exceptIds agents left out unless revoked (offline: every agent but the connected ones)
 * @param sort the order; ties are broken by id, so pages never overlap
 * @param ranks for {@link Sort#STATE}: the ids of each rank in order (not revoked); all others rank last
 * @param offset rows skipped
 * @param limit the most rows returned
 */
public record AgentQuery(
        String os,
        String version,
        String label,
        String search,
        List<String> onlyIds,
        List<String> exceptIds,
        Sort sort,
        boolean descending,
        List<List<String>> ranks,
        int offset,
        int limit) {
    /** The most rows one page may ask for. */
    public static final int MAX_LIMIT = 500;

    /** What a page may be sorted by, with the word the URL and the API use. */
    public enum Sort {
        NAME,
        STATE,
        OS,
        VERSION,
        LAST_SEEN;

        /** {@code name}, {@code state}, {@code os}, {@code version}, {@code last-seen}. */
        public String wire() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** Parses {@link #wire()}; null for anything else. */
        public static Sort fromWire(String value) {
            for (Sort s : values()) {
                if (s.wire().equals(value)) {
                    return s;
                }
            }
            return null;
        }
    }

    public AgentQuery {
        exceptIds = exceptIds == null ? List.of() : List.copyOf(exceptIds);
        onlyIds = onlyIds == null ? null : List.copyOf(onlyIds);
        ranks = ranks == null ? List.of() : ranks.stream().map(List::copyOf).toList();
        sort = sort == null ? Sort.NAME : sort;
        if (offset < 0 || limit < 0 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException(
                    "an agent page needs offset >= 0 and limit 0-" + MAX_LIMIT + "; got " + offset + ", " + limit);
        }
    }

    /** The same filter and order from another offset, with another limit. */
    public AgentQuery at(int offset, int limit) {
        return new AgentQuery(os, version, label, search, onlyIds, exceptIds, sort, descending, ranks, offset, limit);
    }

    /** One page: the rows and how many agents match the filter in all. */
    public record Page(List<Agent> rows, int total) {
        public Page {
            rows = List.copyOf(rows);
        }
    }

    /**
     * The counts at the top of the fleet page, over all of a tenant's agents that are not archived.
     *
     * @param byOsAndVersion how many agents run each (OS, version) pair; either may be null (never said hello)
     * @param neverSeen how many were never seen (no hello answered; the hub's live connections may know better)
     */
    public record Facets(List<Facet> byOsAndVersion, int total, int neverSeen, int archived) {
        public Facets {
            byOsAndVersion = List.copyOf(byOsAndVersion);
        }
    }

    /** Agents with one OS and version. */
    public record Facet(String os, String version, int count) {}
}
