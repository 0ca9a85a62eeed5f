package io.enginex.edge.server.dashboard;

/**
 * A set of dashboard pages (the fleet, the sessions, …) that registers its routes through {@link
 * Pages}. Implementations are listed in {@link Dashboard#register}, the one place that says which
 * pages the hub serves.
 */
@FunctionalInterface
interface PageGroup {
    void register(Pages pages);
}
