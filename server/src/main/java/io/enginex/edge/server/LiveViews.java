package io.enginex.edge.server;

/**
 * Pages that show a tenant's state live (the dashboard's server-sent fragments). Application
 * services call {@link #changed} after a write, so every front end's change reaches them the same way.
 */
@FunctionalInterface
public interface LiveViews {
    /** Something the tenant's pages show has changed. Any thread; never blocks on I/O. */
    void changed(String tenantId);

    /** Live views that nobody watches (tests, tools). */
    LiveViews NONE = tenantId -> {};
}
