package io.enginex.edge.server.dashboard;

import io.enginex.edge.server.auth.Role;
import java.util.List;

/**
 * The dashboard's navigation: one entry per top-level page, shown only to people whose role may open
 * it. Add a page here and in {@link Dashboard#register}.
 *
 * @param section the key a page passes as its {@link Page#section()} to mark the entry current
 */
public record Nav(String section, String label, String path, Role minimum) {
    /** Every entry, in the order shown. */
    public static final List<Nav> ALL = List.of(
            new Nav("fleet", "Fleet", "/ui/fleet", Role.VIEWER),
            new Nav("sessions", "Sessions", "/ui/sessions", Role.VIEWER),
            new Nav("registration", "Registration", "/ui/registration", Role.OPERATOR),
            new Nav("downloads", "Downloads", "/ui/downloads", Role.OPERATOR),
            new Nav("graphs", "Graphs", "/ui/graphs", Role.VIEWER),
            new Nav("approvals", "Approvals", "/ui/approvals", Role.VIEWER),
            new Nav("policies", "Policies", "/ui/policies", Role.VIEWER),
            new Nav("devices", "Devices", "/ui/device", Role.ADMIN),
            new Nav("enrolments", "Failed enrolments", "/ui/enrolments/failed", Role.ADMIN),
            new Nav("users", "Users", "/ui/users", Role.ADMIN),
            new Nav("api-keys", "API keys", "/ui/api-keys", Role.ADMIN),
            new Nav("ops", "Ops", "/ui/ops", Role.ADMIN),
            new Nav("webhooks", "Webhooks", "/ui/webhooks", Role.ADMIN),
            new Nav("audit", "Audit", "/ui/audit", Role.ADMIN));

    /** The entries {@code viewer} may open. */
    public static List<Nav> visibleTo(Viewer viewer) {
        return viewer == null
                ? List.of()
                : ALL.stream().filter(n -> viewer.can(n.minimum())).toList();
    }
}
