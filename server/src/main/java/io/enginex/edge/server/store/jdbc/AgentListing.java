package io.enginex.edge.server.store.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.server.store.Agent;
import io.enginex.edge.server.store.AgentQuery;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.SqlStatement;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * The SQL of {@link AgentQuery}: one statement for the page and one for its count, the same on H2 and
 * PostgreSQL. Filters are bound parameters; only generated parameter names and fixed column names go
 * into the text. Sorting uses the {@code agents_tenant_*} indexes of V25 (each ends in {@code id}, the
 * tie-breaker); a search is a {@code LIKE '%text%'} over the tenant's rows, which no B-tree serves but
 * costs a few milliseconds at 10,000 agents. Nulls sort as the largest value in both databases (as
 * PostgreSQL's indexes keep them), so a descending page reads its index backwards.
 */
final class AgentListing {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    static final String COLUMNS = "id, tenant_id, public_key, hostname, os, arch, agent_version, labels,"
            + " registration_token_id, created_at, last_seen_at, revoked_at";

    private final String where;
    private final Map<String, Object> binds = new LinkedHashMap<>();

    private AgentListing(String tenantId, AgentQuery q) {
        List<String> and = new ArrayList<>();
        and.add("tenant_id = :tenantId");
        and.add("archived_at IS NULL");
        binds.put("tenantId", tenantId);
        if (notBlank(q.os())) {
            and.add("os = :os");
            binds.put("os", q.os());
        }
        if (notBlank(q.version())) {
            and.add("agent_version = :version");
            binds.put("version", q.version());
        }
        if (notBlank(q.label())) {
            and.add("labels LIKE :label ESCAPE '!'");
            binds.put("label", "%" + like(json(q.label())) + "%");
        }
        if (notBlank(q.search())) {
            and.add("(LOWER(hostname) LIKE :search ESCAPE '!' OR LOWER(id) LIKE :search ESCAPE '!'"
                    + " OR LOWER(labels) LIKE :search ESCAPE '!')");
            binds.put("search", "%" + like(q.search().strip().toLowerCase(Locale.ROOT)) + "%");
        }
        if (q.onlyIds() != null) {
            and.add("revoked_at IS NULL AND " + in("only", q.onlyIds()));
        }
        if (!q.exceptIds().isEmpty()) {
            and.add("(revoked_at IS NOT NULL OR NOT " + in("except", q.exceptIds()) + ")");
        }
        this.where = String.join(" AND ", and);
    }

    static AgentQuery.Page page(Handle h, String tenantId, AgentQuery q) {
        var listing = new AgentListing(tenantId, q);
        int total = listing.bind(h.createQuery("SELECT COUNT(*) FROM agents WHERE " + listing.where))
                .mapTo(Integer.class)
                .one();
        if (q.limit() == 0 || q.offset() >= total) {
            return new AgentQuery.Page(List.of(), total);
        }
        String order = listing.order(q);
        List<Agent> rows = listing.bind(h.createQuery("SELECT " + COLUMNS + " FROM agents WHERE " + listing.where
                                + " ORDER BY " + order + " LIMIT :limit OFFSET :offset")
                        .bind("limit", q.limit())
                        .bind("offset", q.offset()))
                .map(AgentListing::row)
                .list();
        return new AgentQuery.Page(rows, total);
    }

    static AgentQuery.Facets facets(Handle h, String tenantId) {
        List<AgentQuery.Facet> facets = new ArrayList<>();
        int[] totals = new int[3];
        h.createQuery("""
                        SELECT os, agent_version,
                            SUM(CASE WHEN archived_at IS NULL THEN 1 ELSE 0 END) AS n,
                            SUM(CASE WHEN archived_at IS NULL AND last_seen_at IS NULL THEN 1 ELSE 0 END) AS never,
                            SUM(CASE WHEN archived_at IS NULL THEN 0 ELSE 1 END) AS archived
                        FROM agents WHERE tenant_id = :tenantId
                        GROUP BY os, agent_version""")
                .bind("tenantId", tenantId)
                .map((rs, ctx) -> {
                    int n = rs.getInt("n");
                    totals[0] += n;
                    totals[1] += rs.getInt("never");
                    totals[2] += rs.getInt("archived");
                    if (n > 0) {
                        facets.add(new AgentQuery.Facet(rs.getString("os"), rs.getString("agent_version"), n));
                    }
                    return n;
                })
                .list();
        return new AgentQuery.Facets(facets, totals[0], totals[1], totals[2]);
    }

    private String order(AgentQuery q) {
        String dir = q.descending() ? " DESC NULLS FIRST" : " ASC NULLS LAST";
        String idDir = q.descending() ? " DESC" : " ASC";
        return switch (q.sort()) {
            case NAME -> "hostname" + dir + ", id" + idDir;
            case OS -> "os" + dir + ", id" + idDir;
            case VERSION -> "agent_version" + dir + ", id" + idDir;
            case LAST_SEEN -> "last_seen_at" + dir + ", id" + idDir;
            case STATE ->
                q.ranks().stream().allMatch(List::isEmpty)
                        ? "hostname" + dir + ", id" + idDir // nobody connected: every agent ranks last
                        : rank(q.ranks()) + (q.descending() ? " DESC" : " ASC") + ", hostname" + dir + ", id" + idDir;
        };
    }

    private String rank(List<List<String>> ranks) {
        var sql = new StringBuilder("CASE");
        for (int i = 0; i < ranks.size(); i++) {
            if (!ranks.get(i).isEmpty()) {
                sql.append(" WHEN revoked_at IS NULL AND ")
                        .append(in("rank" + i + "_", ranks.get(i)))
                        .append(" THEN ")
                        .append(i);
            }
        }
        return sql.append(" ELSE ").append(ranks.size()).append(" END").toString();
    }

    /** {@code id IN (:p0, :p1, …)}; never empty ({@code id IN (NULL)} matches nothing). */
    private String in(String prefix, List<String> ids) {
        if (ids.isEmpty()) {
            return "id IN (NULL)";
        }
        var sql = new StringBuilder("id IN (");
        for (int i = 0; i < ids.size(); i++) {
            String name = prefix + i;
            sql.append(i == 0 ? ":" : ", :").append(name);
            binds.put(name, ids.get(i));
        }
        return sql.append(')').toString();
    }

    private <S extends SqlStatement<S>> S bind(S statement) {
        binds.forEach(statement::bind);
        return statement;
    }

    private static Agent row(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Agent(
                rs.getString("id"),
                rs.getString("tenant_id"),
                rs.getString("public_key"),
                rs.getString("hostname"),
                rs.getString("os"),
                rs.getString("arch"),
                rs.getString("agent_version"),
                LabelsJson.read(rs.getString("labels")),
                "[]",
                rs.getString("registration_token_id"),
                Timestamps.read(rs, "created_at"),
                Timestamps.read(rs, "last_seen_at"),
                Timestamps.read(rs, "revoked_at"),
                null);
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }

    /** The label as it appears inside the stored JSON array, quotes included. */
    private static String json(String label) {
        try {
            return MAPPER.writeValueAsString(label);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a label as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Escapes LIKE's wildcards and its escape character {@code !} (not a backslash, which Jdbi's parser reads) so the text matches as written. */
    static String like(String text) {
        return text.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }
}
