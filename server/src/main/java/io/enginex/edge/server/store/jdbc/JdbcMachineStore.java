package io.enginex.edge.server.store.jdbc;

import io.enginex.edge.server.store.AgentMachine;
import io.enginex.edge.server.store.MachineStore;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

final class JdbcMachineStore implements MachineStore {
    private final Jdbi jdbi;

    JdbcMachineStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public List<String> record(String tenantId, String agentId, String machineId, Instant now) {
        return jdbi.inTransaction(h -> {
            List<String> replaced = h.createQuery("""
                            SELECT agent_id FROM agent_machines
                            WHERE tenant_id = :tenantId AND machine_id = :machineId AND replaced_by IS NULL
                              AND agent_id <> :agentId
                            ORDER BY recorded_at, agent_id""")
                    .bind("tenantId", tenantId)
                    .bind("machineId", machineId)
                    .bind("agentId", agentId)
                    .mapTo(String.class)
                    .list();
            h.createUpdate("""
                            UPDATE agent_machines SET replaced_by = :agentId
                            WHERE tenant_id = :tenantId AND machine_id = :machineId AND replaced_by IS NULL
                              AND agent_id <> :agentId""")
                    .bind("tenantId", tenantId)
                    .bind("machineId", machineId)
                    .bind("agentId", agentId)
                    .execute();
            h.createUpdate("""
                            INSERT INTO agent_machines (tenant_id, agent_id, machine_id, recorded_at)
                            VALUES (:tenantId, :agentId, :machineId, :now)""")
                    .bind("tenantId", tenantId)
                    .bind("agentId", agentId)
                    .bind("machineId", machineId)
                    .bind("now", Timestamps.arg(now))
                    .execute();
            return replaced;
        });
    }

    @Override
    public Optional<AgentMachine> find(String tenantId, String agentId) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT * FROM agent_machines WHERE tenant_id = :tenantId AND agent_id = :agentId")
                .bind("tenantId", tenantId)
                .bind("agentId", agentId)
                .map((rs, ctx) -> new String[] {rs.getString("machine_id"), rs.getString("replaced_by")})
                .findOne()
                .map(row -> new AgentMachine(
                        agentId,
                        row[0],
                        row[1],
                        h.createQuery("""
                                        SELECT agent_id FROM agent_machines
                                        WHERE tenant_id = :tenantId AND machine_id = :machineId AND agent_id <> :agentId
                                        ORDER BY recorded_at, agent_id""")
                                .bind("tenantId", tenantId)
                                .bind("machineId", row[0])
                                .bind("agentId", agentId)
                                .mapTo(String.class)
                                .list())));
    }
}
