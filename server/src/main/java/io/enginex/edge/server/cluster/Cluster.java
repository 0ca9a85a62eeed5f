package io.enginex.edge.server.cluster;

/**
 * The other hub nodes on the same database, as this node sees them: where it sends {@link Signal}s,
 * and whether it leads (runs the sweeps that must run on one node at a time). On the embedded
 * database there is one node, which always leads and has nobody to tell.
 */
public interface Cluster extends AutoCloseable {
    /** Tells the other nodes, soon and without waiting; any thread. A signal may be lost: each has a sweep behind it. */
    void publish(Signal signal);

    /** Whether this node runs the cluster's sweeps now. */
    boolean leads();

    @Override
    void close();

    /** One node alone. */
    Cluster SINGLE = new Cluster() {
        @Override
        public void publish(Signal signal) {}

        @Override
        public boolean leads() {
            return true;
        }

        @Override
        public void close() {}
    };
}
