package io.enginex.edge.server.cli;

import io.enginex.edge.server.cli.TopKeys.Key;
import io.enginex.edge.server.cli.TopTables.Row;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The state of {@code engine top}'s full-screen view (which pane has the focus, the selected rows,
 * the filter, a prompt in progress, the status line) and how keys change it and it is drawn.
 * Confined to the screen's thread: the feed's news and the keys both arrive there.
 */
final class TopView {
    enum Pane {
        AGENTS("AGENTS"),
        PENDING("PENDING APPROVALS"),
        JOBS("RECENT JOBS");

        final String title;

        Pane(String title) {
            this.title = title;
        }
    }

    private enum Mode {
        BROWSE,
        FILTER,
        REASON,
        CONFIRM
    }

    /** What a key asks the screen to do beyond redrawing. */
    sealed interface Action {}

    record Quit() implements Action {}

    record Refresh() implements Action {}

    /** Approve ({@code approve}) or deny the job {@code jobId}; {@code label} names it for a person. */
    record Decide(String jobId, boolean approve, String reason, String label) implements Action {}

    static final Action NOTHING = null;

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final String RESET = "\u001b[0m";
    private static final String REVERSE = "\u001b[7m";
    private static final String BOLD = "\u001b[1m";
    private static final String DIM = "\u001b[2m";
    private static final String RED = "\u001b[31m";

    private final String tenant;
    private final String server;
    private final Duration interval;
    private final Clock clock;
    private final Map<Pane, String> selectedId = new EnumMap<>(Pane.class);
    private final Map<Pane, Integer> selectedIndex = new EnumMap<>(Pane.class);

    private TopSnapshot snapshot;
    private Pane focus = Pane.AGENTS;
    private Mode mode = Mode.BROWSE;
    private String filter;
    private String input = "";
    private String filterBefore = "";
    private Decide pendingDecision;
    private boolean deciding;
    private String readError;
    private String status = "reading the hub…";
    private boolean statusIsError;
    private boolean live;

    TopView(String tenant, String server, Duration interval, String filter, Clock clock) {
        this.tenant = tenant;
        this.server = server;
        this.interval = interval;
        this.filter = filter == null ? "" : filter;
        this.clock = clock;
    }

    void snapshot(TopSnapshot s) {
        boolean first = snapshot == null;
        snapshot = s;
        if (readError != null) {
            readError = null;
            status("in touch with the hub again", false);
        } else if (first) {
            status("connected to " + server, false);
        }
    }

    /** A read failed: shown until the next read succeeds, over the (older) data last read. */
    void failed(String message) {
        readError = message;
    }

    void live(boolean live) {
        this.live = live;
    }

    void status(String message, boolean error) {
        status = message;
        statusIsError = error;
    }

    /** The result of a {@link Decide} came back. */
    void decided(String message, boolean error) {
        deciding = false;
        status(message, error);
    }

    Pane focus() {
        return focus;
    }

    /** Applies {@code key}; returns what else the screen must do, or {@link #NOTHING}. */
    Action key(Key key) {
        if (key.kind() == TopKeys.Kind.INTERRUPT || key.kind() == TopKeys.Kind.EOF) {
            return new Quit();
        }
        return switch (mode) {
            case BROWSE -> browse(key);
            case FILTER -> filterKey(key);
            case REASON -> reasonKey(key);
            case CONFIRM -> confirmKey(key);
        };
    }

    private Action browse(Key key) {
        switch (key.kind()) {
            case TAB -> focus = Pane.values()[(focus.ordinal() + 1) % Pane.values().length];
            case BACK_TAB -> focus = Pane.values()[(focus.ordinal() + Pane.values().length - 1) % Pane.values().length];
            case UP -> move(-1);
            case DOWN -> move(1);
            case PAGE_UP -> move(-10);
            case PAGE_DOWN -> move(10);
            case HOME -> move(-1_000_000);
            case END -> move(1_000_000);
            case ESCAPE -> {
                if (!filter.isEmpty()) {
                    filter = "";
                    status("filter cleared", false);
                }
            }
            case CHAR -> {
                switch (key.ch()) {
                    case 'q', 'Q' -> {
                        return new Quit();
                    }
                    case 'j' -> move(1);
                    case 'k' -> move(-1);
                    case 'g' -> move(-1_000_000);
                    case 'G' -> move(1_000_000);
                    case 'r' -> {
                        status("refreshing…", false);
                        return new Refresh();
                    }
                    case '/' -> {
                        mode = Mode.FILTER;
                        filterBefore = filter;
                        input = filter;
                    }
                    case 'a', 'd' -> startDecision(key.ch() == 'a');
                    default -> {}
                }
            }
            default -> {}
        }
        return NOTHING;
    }

    private void startDecision(boolean approve) {
        String verb = approve ? "approve" : "deny";
        if (deciding) {
            status("wait: the last decision is still being sent", true);
            return;
        }
        Row row = focus == Pane.PENDING ? selected(Pane.PENDING) : null;
        if (row == null) {
            status(
                    "to " + verb + " a job, select it in PENDING APPROVALS (Tab moves there"
                            + (rows(Pane.PENDING).isEmpty() ? "; none is waiting now" : "") + ")",
                    true);
            return;
        }
        pendingDecision = new Decide(row.id(), approve, "", row.cells()[2] + " on " + row.cells()[1]);
        mode = Mode.REASON;
        input = "";
    }

    private Action filterKey(Key key) {
        switch (key.kind()) {
            case ENTER -> {
                mode = Mode.BROWSE;
                status(filter.isEmpty() ? "no filter" : "filter: " + filter, false);
            }
            case ESCAPE -> {
                filter = filterBefore;
                mode = Mode.BROWSE;
            }
            case BACKSPACE -> filter = input = input.isEmpty() ? "" : input.substring(0, input.length() - 1);
            case CHAR -> {
                if (key.ch() >= ' ') {
                    filter = input = input + key.ch();
                }
            }
            default -> {}
        }
        return NOTHING;
    }

    private Action reasonKey(Key key) {
        switch (key.kind()) {
            case ENTER -> {
                pendingDecision = new Decide(
                        pendingDecision.jobId(), pendingDecision.approve(), input.strip(), pendingDecision.label());
                mode = Mode.CONFIRM;
            }
            case ESCAPE -> cancelDecision();
            case BACKSPACE -> input = input.isEmpty() ? "" : input.substring(0, input.length() - 1);
            case CHAR -> {
                if (key.ch() >= ' ' && input.length() < 1000) {
                    input = input + key.ch();
                }
            }
            default -> {}
        }
        return NOTHING;
    }

    private Action confirmKey(Key key) {
        if (key.is('y') || key.is('Y')) {
            Decide decision = pendingDecision;
            mode = Mode.BROWSE;
            pendingDecision = null;
            deciding = true;
            status((decision.approve() ? "approving " : "denying ") + decision.jobId() + "…", false);
            return decision;
        }
        if (key.is('n') || key.is('N') || key.kind() == TopKeys.Kind.ESCAPE) {
            cancelDecision();
        }
        return NOTHING;
    }

    private void cancelDecision() {
        status(
                "cancelled: " + pendingDecision.jobId() + " was not "
                        + (pendingDecision.approve() ? "approved" : "denied"),
                false);
        pendingDecision = null;
        mode = Mode.BROWSE;
    }

    private void move(int by) {
        List<Row> rows = rows(focus);
        if (rows.isEmpty()) {
            return;
        }
        int at = (int) Math.max(0, Math.min(rows.size() - 1, (long) index(focus, rows) + by));
        selectedIndex.put(focus, at);
        selectedId.put(focus, rows.get(at).id());
    }

    /** The rows of {@code pane} that pass the filter. */
    List<Row> rows(Pane pane) {
        if (snapshot == null) {
            return List.of();
        }
        var time = (java.util.function.Function<String, String>) t -> TopTables.ago(t, clock.instant());
        List<Row> all = switch (pane) {
            case AGENTS -> TopTables.agents(snapshot, time);
            case PENDING -> TopTables.pending(snapshot, time);
            case JOBS -> TopTables.jobs(snapshot, time);
        };
        return all.stream().filter(r -> r.matches(filter)).toList();
    }

    /** The selected row's index: where its id is now, else where it was (kept in range). */
    private int index(Pane pane, List<Row> rows) {
        String id = selectedId.get(pane);
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).id().equals(id)) {
                return i;
            }
        }
        return Math.max(0, Math.min(rows.size() - 1, selectedIndex.getOrDefault(pane, 0)));
    }

    private Row selected(Pane pane) {
        List<Row> rows = rows(pane);
        return rows.isEmpty() ? null : rows.get(index(pane, rows));
    }

    /** The screen as {@code height} lines of at most {@code width} visible characters (with ANSI styles). */
    List<String> render(int width, int height) {
        List<String> lines = new ArrayList<>();
        lines.add(BOLD + fit(header(), width) + RESET);
        List<String> status = statusLines(width);
        int body = Math.max(0, height - 2 - status.size());
        int agents = Math.max(3, body * 2 / 5);
        int pending = Math.max(3, body / 4);
        int jobs = Math.max(0, body - agents - pending);
        pane(Pane.AGENTS, agents, width, lines);
        pane(Pane.PENDING, pending, width, lines);
        pane(Pane.JOBS, jobs, width, lines);
        while (lines.size() > height - 1 - status.size()) {
            lines.removeLast();
        }
        while (lines.size() < height - 1 - status.size()) {
            lines.add("");
        }
        lines.addAll(status);
        lines.add(fit(prompt(), width));
        return lines;
    }

    private String header() {
        int online = 0;
        int total = snapshot == null ? 0 : snapshot.agents().size();
        if (snapshot != null) {
            for (var a : snapshot.agents()) {
                String s = TopTables.agentState(a);
                online += s.startsWith("online") || s.startsWith("busy") ? 1 : 0;
            }
        }
        String updated = snapshot == null
                ? "not read yet"
                : "read "
                        + LocalTime.ofInstant(snapshot.at(), ZoneId.systemDefault())
                                .format(CLOCK);
        return "engine top · tenant " + tenant + " · " + server + " · " + online + "/" + total + " agents online · "
                + (snapshot == null ? 0 : snapshot.pending().size()) + " awaiting approval · "
                + (live ? "live" : "polling every " + interval.toSeconds() + "s") + " · " + updated
                + (filter.isEmpty() ? "" : " · filter \"" + filter + "\"");
    }

    private void pane(Pane pane, int height, int width, List<String> lines) {
        if (height <= 0) {
            return;
        }
        List<Row> rows = rows(pane);
        int total = snapshot == null
                ? 0
                : switch (pane) {
                    case AGENTS -> snapshot.agents().size();
                    case PENDING -> snapshot.pending().size();
                    case JOBS -> snapshot.jobs().size();
                };
        String count = rows.size() == total ? "(" + total + ")" : "(" + rows.size() + " of " + total + ")";
        String title = (pane == focus ? "▶ " + pane.title + " " + count : "  " + pane.title + " " + count);
        lines.add((pane == focus ? BOLD + REVERSE : BOLD) + fit(title, width) + RESET);
        if (height == 1) {
            return;
        }
        String[] header = switch (pane) {
            case AGENTS -> TopTables.AGENTS;
            case PENDING -> TopTables.PENDING;
            case JOBS -> TopTables.JOBS;
        };
        int[] widths = widths(header, rows);
        lines.add(DIM + fit("  " + join(header, widths), width) + RESET);
        int visible = height - 2;
        if (rows.isEmpty()) {
            if (visible > 0) {
                lines.add(fit("  " + empty(pane, total), width));
            }
            for (int i = 1; i < visible; i++) {
                lines.add("");
            }
            return;
        }
        int at = index(pane, rows);
        int top = Math.max(0, Math.min(at - visible + 1, rows.size() - visible));
        top = Math.min(top, at);
        for (int i = top; i < top + visible; i++) {
            if (i >= rows.size()) {
                lines.add("");
                continue;
            }
            String text = join(rows.get(i).cells(), widths);
            if (i == at && pane == focus) {
                lines.add(REVERSE + fit("> " + text, width) + RESET);
            } else {
                lines.add(fit("  " + text, width));
            }
        }
    }

    private String empty(Pane pane, int total) {
        if (total > 0) {
            return "none match the filter \"" + filter + "\" (Esc clears it)";
        }
        return switch (pane) {
            case AGENTS ->
                "no agents yet: make a token with `engine tokens create --tenant " + tenant + "` and register one";
            case PENDING -> "no job is waiting for approval";
            case JOBS -> "no jobs yet";
        };
    }

    /** The status (an error names its fix, so it may take two lines rather than be cut). */
    private List<String> statusLines(int width) {
        String text = readError == null
                ? status
                : "error: " + readError
                        + (snapshot == null
                                ? ""
                                : " (showing what was read at "
                                        + LocalTime.ofInstant(snapshot.at(), ZoneId.systemDefault())
                                                .format(CLOCK)
                                        + ")");
        String style = readError != null || statusIsError ? RED : "";
        if (text.length() <= width) {
            return List.of(style + text + RESET);
        }
        int cut = text.lastIndexOf(' ', width);
        cut = cut <= 0 ? width : cut;
        return List.of(
                style + text.substring(0, cut) + RESET,
                style + fit(text.substring(cut).strip(), width) + RESET);
    }

    private String prompt() {
        return switch (mode) {
            case BROWSE ->
                "q quit · Tab pane · ↑↓ j k move · / filter · a approve · d deny · r refresh"
                        + (filter.isEmpty() ? "" : " · Esc clear filter");
            case FILTER ->
                "filter: " + input + "█  (Enter keeps it, Esc cancels; matches names, labels, states, " + "tools, ids)";
            case REASON ->
                (pendingDecision.approve() ? "Approve " : "Deny ") + pendingDecision.jobId() + " ("
                        + pendingDecision.label() + ") — reason: " + input + "█  (Enter next, Esc cancels)";
            case CONFIRM ->
                (pendingDecision.approve() ? "Approve " : "Deny ") + pendingDecision.jobId() + " ("
                        + pendingDecision.label() + ")"
                        + (pendingDecision.reason().isEmpty()
                                ? " without a reason"
                                : " with reason \"" + pendingDecision.reason() + "\"")
                        + "? y/n";
        };
    }

    private static int[] widths(String[] header, List<Row> rows) {
        int[] w = new int[header.length];
        for (int i = 0; i < header.length; i++) {
            w[i] = header[i].length();
        }
        for (Row r : rows) {
            for (int i = 0; i < header.length; i++) {
                w[i] = Math.min(40, Math.max(w[i], r.cells()[i].length()));
            }
        }
        return w;
    }

    private static String join(String[] cells, int[] widths) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < widths.length; i++) {
            String c = cells[i].length() > widths[i] ? cells[i].substring(0, widths[i] - 1) + "…" : cells[i];
            s.append(c);
            if (i < widths.length - 1) {
                s.append(" ".repeat(widths[i] - c.length() + 2));
            }
        }
        return s.toString();
    }

    /** {@code s} cut to {@code width} characters. */
    private static String fit(String s, int width) {
        return s.length() <= width ? s : s.substring(0, Math.max(0, width - 1)) + "…";
    }
}
