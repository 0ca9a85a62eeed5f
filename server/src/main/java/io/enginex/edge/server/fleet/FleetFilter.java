package io.enginex.edge.server.fleet;

import io.enginex.edge.server.HubException;
import io.enginex.edge.server.connection.AgentState;
import io.enginex.edge.server.connection.AgentStatus;
import io.enginex.edge.server.store.AgentQuery;
import io.enginex.edge.server.store.AgentQuery.Sort;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Function;

/**
 * Which agents a fleet view shows, as its URL says: {@code ?state=online&os=linux&version=1.4.0
 * &label=finance&q=laptop&sort=last-seen&dir=desc&page=2&size=50}, so a view can be bookmarked and
 * works without JavaScript. The fleet page, its CSV export and live stream, and the agents API read the
 * same parameters. Immutable.
 *
 * @param state null for any
 * @param os exact OS, or empty for any
 * @param version exact agent version, or empty
 * @param label one exact label, or empty
 * @param search text in the name, id or a label, or empty
 * @param page 1-based
 * @param size rows per page, 1-{@link AgentQuery#MAX_LIMIT}
 */
public record FleetFilter(
        AgentState state,
        String os,
        String version,
        String label,
        String search,
        Sort sort,
        boolean descending,
        int page,
        int size) {
    public static final int DEFAULT_SIZE = 50;

    /** The URL parameters read; the agents API pages only when one of them is given. */
    public static final List<String> PARAMS =
            List.of("state", "os", "version", "label", "q", "sort", "dir", "page", "size");

    /** The longest search or filter value taken. */
    static final int MAX_TEXT = 200;

    public FleetFilter {
        os = clean(os);
        version = clean(version);
        label = clean(label);
        search = clean(search);
        sort = sort == null ? Sort.NAME : sort;
    }

    /** All agents, by name, the first page. */
    public static FleetFilter all() {
        return new FleetFilter(null, "", "", "", "", Sort.NAME, false, 1, DEFAULT_SIZE);
    }

    /**
     * Reads the parameters from {@code param} (a query parameter by name, null when absent). An empty
     * or unknown state is any state; an unknown sort, a bad page or size is refused with what to send.
     *
     * @throws HubException.BadRequest naming the parameter and its valid values
     */
    public static FleetFilter parse(Function<String, String> param) {
        String stateText = param.apply("state");
        AgentState state = AgentState.fromWire(stateText);
        if (state == null && stateText != null && !stateText.isBlank()) {
            throw new HubException.BadRequest(
                    "state must be online, busy, unresponsive or offline (or empty for any); got " + stateText);
        }
        String sortText = param.apply("sort");
        Sort sort = sortText == null || sortText.isBlank() ? Sort.NAME : Sort.fromWire(sortText);
        if (sort == null) {
            throw new HubException.BadRequest("sort must be name, state, os, version or last-seen; got " + sortText);
        }
        String dir = param.apply("dir");
        if (dir != null && !dir.isBlank() && !dir.equals("asc") && !dir.equals("desc")) {
            throw new HubException.BadRequest("dir must be asc or desc; got " + dir);
        }
        int page = number(param, "page", 1, 1, Integer.MAX_VALUE / AgentQuery.MAX_LIMIT);
        int size = number(param, "size", DEFAULT_SIZE, 1, AgentQuery.MAX_LIMIT);
        return new FleetFilter(
                state,
                param.apply("os"),
                param.apply("version"),
                param.apply("label"),
                param.apply("q"),
                sort,
                "desc".equals(dir),
                page,
                size);
    }

    /**
     * The store's query for this filter's page. The state lives in the hub's memory, not the database,
     * so it becomes lists of ids: the connected agents in the state asked for (or, for offline, all
     * but the connected), and for a sort by state the connected agents of each state in order.
     *
     * @param connected every connected agent of the tenant and its status ({@code AgentStates.connected})
     */
    public AgentQuery toQuery(Map<String, AgentStatus> connected) {
        List<String> only = null;
        List<String> except = List.of();
        if (state == AgentState.OFFLINE) {
            except = List.copyOf(connected.keySet());
        } else if (state != null) {
            only = idsIn(connected, state);
        }
        List<List<String>> ranks = List.of();
        if (sort == Sort.STATE) {
            ranks = List.of(
                    idsIn(connected, AgentState.ONLINE),
                    idsIn(connected, AgentState.BUSY),
                    idsIn(connected, AgentState.UNRESPONSIVE));
        }
        return new AgentQuery(os, version, label, search, only, except, sort, descending, ranks, offset(), size);
    }

    private static List<String> idsIn(Map<String, AgentStatus> connected, AgentState s) {
        List<String> ids = new ArrayList<>();
        connected.forEach((id, status) -> {
            if (status.state() == s) {
                ids.add(id);
            }
        });
        return ids;
    }

    /** The offset of the page's first row. */
    public int offset() {
        return (page - 1) * size;
    }

    public FleetFilter withPage(int newPage) {
        return new FleetFilter(state, os, version, label, search, sort, descending, newPage, size);
    }

    /** Sorted by {@code by}: the other direction if it is sorted by it already, else ascending; page 1. */
    public FleetFilter sortedBy(Sort by) {
        boolean desc = by == sort && !descending;
        return new FleetFilter(state, os, version, label, search, by, desc, 1, size);
    }

    /** The filter as URL parameters, without the defaults, e.g. {@code state=online&sort=os}; may be empty. */
    public String query() {
        Map<String, String> p = new LinkedHashMap<>();
        if (state != null) {
            p.put("state", state.wire());
        }
        p.put("os", os);
        p.put("version", version);
        p.put("label", label);
        p.put("q", search);
        if (sort != Sort.NAME) {
            p.put("sort", sort.wire());
        }
        if (descending) {
            p.put("dir", "desc");
        }
        if (page != 1) {
            p.put("page", Integer.toString(page));
        }
        if (size != DEFAULT_SIZE) {
            p.put("size", Integer.toString(size));
        }
        var joined = new StringJoiner("&");
        p.forEach((k, v) -> {
            if (!v.isEmpty()) {
                joined.add(k + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8));
            }
        });
        return joined.toString();
    }

    /** {@code path} with {@link #query()} appended, if any. */
    public String url(String path) {
        String q = query();
        return q.isEmpty() ? path : path + "?" + q;
    }

    /** Whether any filter (not sort or paging) is set. */
    public boolean filtered() {
        return state != null || !os.isEmpty() || !version.isEmpty() || !label.isEmpty() || !search.isEmpty();
    }

    private static int number(Function<String, String> param, String name, int absent, int min, int max) {
        String text = param.apply(name);
        if (text == null || text.isBlank()) {
            return absent;
        }
        try {
            int n = Integer.parseInt(text.strip());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new HubException.BadRequest(name + " must be a whole number " + min + "-" + max + "; got " + text);
    }

    private static String clean(String s) {
        if (s == null) {
            return "";
        }
        String t = s.strip();
        return t.length() > MAX_TEXT ? t.substring(0, MAX_TEXT) : t;
    }
}
