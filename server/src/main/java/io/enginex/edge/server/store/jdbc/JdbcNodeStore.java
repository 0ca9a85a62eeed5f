package io.enginex.edge.server.store.jdbc;

import io.enginex.edge.server.store.NodeStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

final class JdbcNodeStore implements NodeStore {
    private final Jdbi jdbi;

    JdbcNodeStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public void join(Node node) {
        jdbi.useTransaction(h -> {
            h.createUpdate("DELETE FROM hub_nodes WHERE node_name = :name")
                    .bind("name", node.name())
                    .execute();
            insert(h, node);
        });
    }

    private static void insert(Handle h, Node node) {
        h.createUpdate("""
                        INSERT INTO hub_nodes (node_name, version, url, started_at, seen_at, agents, leads)
                        VALUES (:name, :version, :url, :startedAt, :seenAt, :agents, :leads)""")
                .bind("name", node.name())
                .bind("version", node.version())
                .bind("url", node.url())
                .bind("startedAt", Timestamps.arg(node.startedAt()))
                .bind("seenAt", Timestamps.arg(node.seenAt()))
                .bind("agents", node.agents())
                .bind("leads", node.leads())
                .execute();
    }

    @Override
    public boolean seen(Node node) {
        return jdbi.withHandle(h -> h.createUpdate("""
                                UPDATE hub_nodes SET url = :url, seen_at = :at, agents = :agents, leads = :leads
                                WHERE node_name = :name""")
                        .bind("name", node.name())
                        .bind("url", node.url())
                        .bind("at", Timestamps.arg(node.seenAt()))
                        .bind("agents", node.agents())
                        .bind("leads", node.leads())
                        .execute())
                == 1;
    }

    @Override
    public List<Node> list() {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM hub_nodes ORDER BY node_name")
                .map((rs, ctx) -> read(rs))
                .list());
    }

    @Override
    public void remove(String name) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM hub_nodes WHERE node_name = :name")
                .bind("name", name)
                .execute());
    }

    @Override
    public String settle(String name, String value) {
        try {
            jdbi.useHandle(h ->
                    h.createUpdate("""
                            INSERT INTO hub_settings (setting_name, setting_value)
                            SELECT :name, :value WHERE NOT EXISTS (SELECT 1 FROM hub_settings WHERE setting_name = :name)""").bind("name", name).bind("value", value).execute());
        } catch (RuntimeException e) {
            if (!SqlErrors.isUniqueViolation(e)) {
                throw e;
            }
            // another node stored it at the same moment: its value stands
        }
        return jdbi.withHandle(h -> h.createQuery("SELECT setting_value FROM hub_settings WHERE setting_name = :name")
                .bind("name", name)
                .mapTo(String.class)
                .one());
    }

    private static Node read(ResultSet rs) throws SQLException {
        return new Node(
                rs.getString("node_name"),
                rs.getString("version"),
                rs.getString("url"),
                Timestamps.read(rs, "started_at"),
                Timestamps.read(rs, "seen_at"),
                rs.getInt("agents"),
                rs.getBoolean("leads"));
    }
}
