package io.enginex.edge.server.store.jdbc;

import io.enginex.edge.server.store.UpdatePinRecord;
import io.enginex.edge.server.store.UpdatePinStore;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

final class JdbcUpdatePinStore implements UpdatePinStore {
    private final Jdbi jdbi;

    JdbcUpdatePinStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public Optional<UpdatePinRecord> find(String tenantId) {
        return jdbi.withHandle(h -> find(h, tenantId));
    }

    private static Optional<UpdatePinRecord> find(Handle h, String tenantId) {
        return h.createQuery("SELECT * FROM tenant_update_pins WHERE tenant_id = :tenantId")
                .bind("tenantId", tenantId)
                .map((rs, ctx) -> new UpdatePinRecord(
                        rs.getString("tenant_id"),
                        rs.getString("channel"),
                        rs.getString("version"),
                        rs.getString("set_by"),
                        Timestamps.read(rs, "set_at")))
                .findOne();
    }

    @Override
    public void put(UpdatePinRecord pin) {
        jdbi.useTransaction(h -> {
            h.createUpdate("DELETE FROM tenant_update_pins WHERE tenant_id = :tenantId")
                    .bind("tenantId", pin.tenantId())
                    .execute();
            SqlErrors.insert(
                    "the update pin of tenant " + pin.tenantId() + " was set twice at the same moment; try again",
                    () -> h.createUpdate("""
                                    INSERT INTO tenant_update_pins (tenant_id, channel, version, set_by, set_at)
                                    VALUES (:tenantId, :channel, :version, :by, :at)""")
                            .bind("tenantId", pin.tenantId())
                            .bind("channel", pin.channel())
                            .bind("version", pin.version())
                            .bind("by", pin.setBy())
                            .bind("at", Timestamps.arg(pin.setAt()))
                            .execute());
        });
    }

    @Override
    public Optional<UpdatePinRecord> delete(String tenantId) {
        return jdbi.inTransaction(h -> {
            Optional<UpdatePinRecord> before = find(h, tenantId);
            h.createUpdate("DELETE FROM tenant_update_pins WHERE tenant_id = :tenantId")
                    .bind("tenantId", tenantId)
                    .execute();
            return before;
        });
    }
}
