package io.enginex.edge.server.dashboard;

import io.enginex.edge.server.HubException;
import io.enginex.edge.server.audit.Audit;
import io.enginex.edge.server.audit.AuditLog;
import io.enginex.edge.server.audit.AuditType;
import io.enginex.edge.server.auth.Role;
import io.enginex.edge.server.store.AuditEvent;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The tenant's audit log, {@code GET /ui/audit} (admins, as the API's {@code …/audit}): newest first,
 * filtered by type, actor, outcome and a time range (UTC), {@value #PAGE} events a page, with a link
 * to the next (older) page that keeps the filter.
 */
public final class AuditPages implements PageGroup {
    static final int PAGE = 50;

    private final AuditLog log;

    AuditPages(AuditLog log) {
        this.log = log;
    }

    /** The filter as the form shows it (times as {@code yyyy-MM-ddTHH:mm}, UTC), empty strings for none. */
    public record Filter(String type, String actor, String outcome, String from, String to) {
        /** The query string of this filter, with {@code before} for the next page. */
        public String query(String before) {
            Map<String, String> q = new LinkedHashMap<>();
            q.put("type", type);
            q.put("actor", actor);
            q.put("outcome", outcome);
            q.put("from", from);
            q.put("to", to);
            q.put("before", before);
            return q.entrySet().stream()
                    .filter(e -> e.getValue() != null && !e.getValue().isEmpty())
                    .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                    .collect(Collectors.joining("&"));
        }

        public boolean empty() {
            return type.isEmpty() && actor.isEmpty() && outcome.isEmpty() && from.isEmpty() && to.isEmpty();
        }
    }

    /**
     * The page's model.
     *
     * @param next the query string of the next (older) page, or null on the last page
     */
    public record AuditView(
            Page page,
            Filter filter,
            List<AuditEvent> events,
            String next,
            List<String> types,
            List<String> outcomes) {}

    @Override
    public void register(Pages pages) {
        pages.get("/ui/audit", Role.ADMIN, (ctx, viewer) -> {
            Filter filter = new Filter(
                    param(ctx, "type"),
                    param(ctx, "actor"),
                    param(ctx, "outcome"),
                    param(ctx, "from"),
                    param(ctx, "to"));
            List<AuditEvent> events = list(viewer, filter, blankToNull(ctx.queryParam("before")));
            boolean more = events.size() > PAGE;
            List<AuditEvent> page = more ? events.subList(0, PAGE) : events;
            pages.render(
                    ctx,
                    "audit.jte",
                    new AuditView(
                            pages.page("Audit log", viewer, "audit"),
                            filter,
                            List.copyOf(page),
                            more ? filter.query(page.get(page.size() - 1).id()) : null,
                            Arrays.stream(AuditType.values())
                                    .map(AuditType::wire)
                                    .toList(),
                            Arrays.stream(Audit.Outcome.values())
                                    .map(Audit.Outcome::wire)
                                    .toList()));
        });
    }

    private List<AuditEvent> list(Viewer viewer, Filter f, String before) {
        return log.events(
                viewer.caller(),
                viewer.tenantId(),
                new AuditLog.Query(
                        f.type(), f.actor(), f.outcome(), time("from", f.from()), time("to", f.to()), before, PAGE));
    }

    /** A {@code datetime-local} value (UTC) or an ISO-8601 instant; null when empty. */
    static Instant time(String field, String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            return text.endsWith("Z")
                    ? Instant.parse(text)
                    : LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new HubException.BadRequest(
                    field + " must be a UTC date and time like 2026-11-26T09:30; got \"" + text + "\"");
        }
    }

    private static String param(Context ctx, String name) {
        String v = ctx.queryParam(name);
        return v == null ? "" : v.strip();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
