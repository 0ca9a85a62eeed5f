package io.enginex.edge.server.store;

import java.time.Instant;

/**
 * A graph defined on the hub: its name (unique in the tenant), the agents it is assigned to and its
 * latest version. Its versions are {@link GraphVersionRecord}s.
 *
 * @param withdrawnAt when it was withdrawn (it is sent to no agent since), or null
 */
public record GraphRecord(
        String id,
        String tenantId,
        String name,
        PolicyScope scope,
        int latestVersion,
        Instant createdAt,
        String createdBy,
        Instant updatedAt,
        Instant withdrawnAt,
        String withdrawnBy) {
    public boolean withdrawn() {
        return withdrawnAt != null;
    }
}
