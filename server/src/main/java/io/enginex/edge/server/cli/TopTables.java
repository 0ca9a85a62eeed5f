package io.enginex.edge.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The three tables of {@code engine top} (agents, pending approvals, recent jobs) as rows of text,
 * shared by the full-screen view and the plain printout, and the filter they answer to.
 */
final class TopTables {
    static final String[] AGENTS = {"NAME", "STATE", "OS", "VERSION", "LAST SEEN", "LABELS", "ID"};
    static final String[] PENDING = {"JOB", "AGENT", "TOOL", "ARGS", "WAITING SINCE"};
    static final String[] JOBS = {"JOB", "AGENT", "TOOL", "STATE", "CREATED"};

    /**
     * One row: the id it stands for (agent or job), its cells, and the lower-case text a filter is
     * matched against (for a job, its agent's name, labels and state too).
     */
    record Row(String id, String[] cells, String search) {
        boolean matches(String filter) {
            return filter.isEmpty() || search.contains(filter.toLowerCase(Locale.ROOT));
        }
    }

    private TopTables() {}

    /**
     * An agent's state as a person reads it: {@code deregistered}, {@code revoked}, {@code never
     * connected}, else the hub's {@code online}, {@code busy}, {@code unresponsive} or {@code offline}
     * (with who paused it, while its local actions are paused).
     */
    static String agentState(JsonNode a) {
        if (a.path("deregisteredAt").isTextual()) {
            return "deregistered";
        }
        if (a.path("revokedAt").isTextual()) {
            return "revoked";
        }
        String state = ClientCommand.text(a, "state");
        if (a.path("neverConnected").asBoolean(false) && !"online".equals(state) && !"busy".equals(state)) {
            return "never connected";
        }
        return a.path("paused").isObject()
                ? state + " (paused by " + ClientCommand.text(a.path("paused"), "by") + ")"
                : state;
    }

    static List<Row> agents(TopSnapshot s, Function<String, String> time) {
        List<Row> rows = new ArrayList<>();
        for (JsonNode a : s.agents()) {
            rows.add(agentRow(a, time));
        }
        return rows;
    }

    private static Row agentRow(JsonNode a, Function<String, String> time) {
        String[] cells = {
            ClientCommand.text(a, "hostname"),
            agentState(a),
            ClientCommand.text(a, "os") + "/" + ClientCommand.text(a, "arch"),
            ClientCommand.text(a, "agentVersion"),
            time.apply(ClientCommand.text(a, "lastSeenAt")),
            ClientCommand.labels(a),
            ClientCommand.text(a, "id")
        };
        return new Row(cells[6], cells, search(cells));
    }

    static List<Row> pending(TopSnapshot s, Function<String, String> time) {
        List<Row> rows = new ArrayList<>();
        for (JsonNode j : s.pending()) {
            String[] cells = {
                ClientCommand.text(j, "id"),
                agentName(s, j),
                ClientCommand.text(j, "tool"),
                j.path("args").toString(),
                time.apply(ClientCommand.text(j, "createdAt"))
            };
            rows.add(new Row(cells[0], cells, search(cells) + " awaiting_approval " + agentSearch(s, j)));
        }
        return rows;
    }

    static List<Row> jobs(TopSnapshot s, Function<String, String> time) {
        List<Row> rows = new ArrayList<>();
        for (JsonNode j : s.jobs()) {
            String[] cells = {
                ClientCommand.text(j, "id"),
                agentName(s, j),
                ClientCommand.text(j, "tool"),
                ClientCommand.text(j, "state")
                        + (j.path("error").isObject() ? " " + ClientCommand.text(j.path("error"), "code") : ""),
                time.apply(ClientCommand.text(j, "createdAt"))
            };
            rows.add(new Row(cells[0], cells, search(cells) + " " + agentSearch(s, j)));
        }
        return rows;
    }

    private static String agentName(TopSnapshot s, JsonNode job) {
        JsonNode agent = s.agent(ClientCommand.text(job, "agentId"));
        return agent != null ? ClientCommand.text(agent, "hostname") : ClientCommand.text(job, "agentId");
    }

    private static String agentSearch(TopSnapshot s, JsonNode job) {
        JsonNode agent = s.agent(ClientCommand.text(job, "agentId"));
        return agent != null ? agentRow(agent, t -> "").search() : ClientCommand.text(job, "agentId");
    }

    private static String search(String[] cells) {
        return String.join(" ", cells).toLowerCase(Locale.ROOT);
    }

    /** {@code iso} as time since then ("12s ago"), for a view that redraws; "-" for none. */
    static String ago(String iso, Instant now) {
        if (iso.isEmpty()) {
            return "-";
        }
        try {
            Duration d = Duration.between(Instant.parse(iso), now);
            if (d.isNegative() || d.toSeconds() < 1) {
                return "now";
            }
            if (d.toMinutes() < 1) {
                return d.toSeconds() + "s ago";
            }
            if (d.toHours() < 1) {
                return d.toMinutes() + "m ago";
            }
            return d.toDays() < 1 ? d.toHours() + "h ago" : d.toDays() + "d ago";
        } catch (DateTimeParseException e) {
            return iso;
        }
    }

    /**
     * Prints the three tables, with the rows that match {@code filter}, as the plain fallback does:
     * times as the hub gave them, so a printout changes only when the data does.
     */
    static void print(TopSnapshot s, String filter, PrintWriter out) {
        Function<String, String> time = t -> t.isEmpty() ? "-" : t;
        section(
                "AGENTS",
                AGENTS,
                agents(s, time),
                filter,
                "no agents yet: make a token with `engine tokens " + "create` and register one",
                out);
        out.println();
        section("PENDING APPROVALS", PENDING, pending(s, time), filter, "no job is waiting for approval", out);
        out.println();
        section("RECENT JOBS", JOBS, jobs(s, time), filter, "no jobs yet", out);
        out.flush();
    }

    private static void section(
            String title, String[] header, List<Row> rows, String filter, String empty, PrintWriter out) {
        List<Row> shown = rows.stream().filter(r -> r.matches(filter)).toList();
        out.println(title + " (" + shown.size() + (shown.size() == rows.size() ? "" : " of " + rows.size()) + ")");
        if (shown.isEmpty()) {
            out.println("  " + (rows.isEmpty() ? empty : "none match the filter"));
            return;
        }
        TextTable table = new TextTable(header);
        for (Row r : shown) {
            table.row(r.cells());
        }
        table.print(out);
    }
}
