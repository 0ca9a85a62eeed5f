package io.enginex.edge.server.testing;

import io.enginex.edge.server.ops.OpsBuckets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The shared ops buckets in memory, for unit tests of the writer and the cluster view: keeps the first
 * row of each (tenant, bucket, node) as the table does, counts the writes, and fails the next write
 * when told to.
 */
public final class FakeOpsBuckets implements OpsBuckets {
    private final List<Row> rows = new CopyOnWriteArrayList<>();
    private final List<List<Row>> writes = new CopyOnWriteArrayList<>();
    private volatile RuntimeException failNext;

    /** The next write throws {@code e} and keeps nothing. */
    public void failNextWrite(RuntimeException e) {
        failNext = e;
    }

    /** Every write that succeeded, each the rows it carried. */
    public List<List<Row>> writes() {
        return writes;
    }

    /** Every row kept. */
    public List<Row> rows() {
        return rows;
    }

    @Override
    public void write(List<Row> written) {
        RuntimeException e = failNext;
        if (e != null) {
            failNext = null;
            throw e;
        }
        writes.add(List.copyOf(written));
        for (Row r : written) {
            boolean there = rows.stream()
                    .anyMatch(o -> o.index() == r.index()
                            && o.node().equals(r.node())
                            && Objects.equals(o.tenantId(), r.tenantId()));
            if (!there) {
                rows.add(r);
            }
        }
    }

    @Override
    public List<Row> read(String tenantId, String node, long fromIndex) {
        List<Row> out = new ArrayList<>();
        for (Row r : rows) {
            if (Objects.equals(r.tenantId(), tenantId)
                    && r.index() >= fromIndex
                    && (node == null || node.equals(r.node()))) {
                out.add(r);
            }
        }
        return out;
    }

    @Override
    public Map<String, Span> spans(long fromIndex) {
        Map<String, Span> spans = new HashMap<>();
        for (Row r : rows) {
            if (r.tenantId() == null && r.index() >= fromIndex) {
                spans.merge(
                        r.node(),
                        new Span(r.index(), r.index()),
                        (a, b) -> new Span(Math.min(a.first(), b.first()), Math.max(a.last(), b.last())));
            }
        }
        return spans;
    }

    @Override
    public int purge(long beforeIndex) {
        List<Row> old = rows.stream().filter(r -> r.index() < beforeIndex).toList();
        rows.removeAll(old);
        return old.size();
    }
}
