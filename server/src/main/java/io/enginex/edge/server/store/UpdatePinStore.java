package io.enginex.edge.server.store;

import java.util.Optional;

/** Each tenant's update pin (one row per pinned tenant). */
public interface UpdatePinStore {
    Optional<UpdatePinRecord> find(String tenantId);

    /** Sets the tenant's pin in place of any earlier one. */
    void put(UpdatePinRecord pin);

    /** @return the pin removed, or empty when the tenant had none */
    Optional<UpdatePinRecord> delete(String tenantId);
}
