package io.enginex.edge.server.dashboard;

import io.enginex.edge.server.fleet.FleetFilter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The fleet page's live changes for one browser: each call reads the page the browser shows (its
 * filter, sort and page number) and returns an event {@code row} with the HTML of each row whose HTML
 * changed since the last call, {@code summary} when the counts above the table changed, and {@code
 * stale} when the page now holds other agents (one joined, left or moved to another page), so the
 * browser offers a reload instead of moving rows under the reader. The first call only records what
 * the page shows. Used on one stream's thread only (not thread-safe).
 */
final class FleetLive implements LiveUpdates.Changes {
    private final Function<FleetFilter, Fleet.Snapshot> read;
    private final FleetFilter filter;
    private final Function<Fleet.Row, String> rowHtml;
    private final Function<Fleet.Snapshot, String> summaryHtml;
    private Map<String, String> rows;
    private List<String> order;
    private String summary;

    /**
     * @param read the snapshot of a filter's page in the viewer's tenant
     * @param rowHtml one row as the page's table renders it
     * @param summaryHtml the counts above the table
     */
    FleetLive(
            Function<FleetFilter, Fleet.Snapshot> read,
            FleetFilter filter,
            Function<Fleet.Row, String> rowHtml,
            Function<Fleet.Snapshot, String> summaryHtml) {
        this.read = read;
        this.filter = filter;
        this.rowHtml = rowHtml;
        this.summaryHtml = summaryHtml;
    }

    @Override
    public List<LiveUpdates.Event> next() {
        Fleet.Snapshot snapshot = read.apply(filter);
        Map<String, String> now = new HashMap<>();
        List<String> ids = new ArrayList<>();
        for (Fleet.Row r : snapshot.rows()) {
            now.put(r.id(), rowHtml.apply(r));
            ids.add(r.id());
        }
        String counts = summaryHtml.apply(snapshot);
        List<LiveUpdates.Event> events = new ArrayList<>();
        if (rows == null) {
            events.add(new LiveUpdates.Event("ready", Integer.toString(snapshot.matching())));
        } else {
            if (!counts.equals(summary)) {
                events.add(new LiveUpdates.Event("summary", counts));
            }
            for (String id : ids) {
                String before = rows.get(id);
                if (before != null && !before.equals(now.get(id))) {
                    events.add(new LiveUpdates.Event("row", now.get(id)));
                }
            }
            if (!ids.equals(order)) {
                events.add(new LiveUpdates.Event("stale", Integer.toString(snapshot.matching())));
            }
        }
        rows = now;
        order = ids;
        summary = counts;
        return events;
    }
}
