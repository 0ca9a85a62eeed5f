package io.enginex.edge.server.dashboard;

import io.enginex.edge.server.HubException;
import io.enginex.edge.server.auth.Origin;
import io.enginex.edge.server.auth.Role;
import io.enginex.edge.server.fleet.Agents;
import io.enginex.edge.server.http.HubErrors;
import io.enginex.edge.server.ratelimit.RateLimiter;
import io.enginex.edge.server.registration.DeviceApprovals;
import io.enginex.edge.server.registration.DeviceAuthorizations;
import io.enginex.edge.server.store.Agent;
import io.enginex.edge.server.store.DeviceCode;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Device-code enrolment (RFC 8628) in the browser, for admins: {@code GET /ui/device} lists the
 * requests waiting that asked to join the admin's tenant (the queue, kept current over {@code GET
 * /ui/device/live} in a polite live region; other tenants' requests never show), {@code GET /ui/device?user_code=…} looks a code up and shows what asks to enrol — host name, OS, user, agent version, key fingerprint,
 * address — and {@code POST /ui/device/approve} (with labels) or {@code …/deny} decides it into the
 * admin's own tenant through {@link DeviceApprovals}, as the API's {@code /api/v1/device/{code}/…} are. {@code GET /device}
 * is the verification URI the agent prints; it forwards to the page. Look-ups are rate-limited per
 * address and per person, so codes cannot be guessed from here either.
 */
public final class DevicePages implements PageGroup {
    static final int LOOKUPS_PER_MINUTE = 30;

    private final DeviceApprovals devices;
    private final RateLimiter lookups;
    private final Agents agents;

    /** @param lookups the look-ups' budget, {@link #LOOKUPS_PER_MINUTE} per address and per person */
    DevicePages(DeviceApprovals devices, RateLimiter lookups, Agents agents) {
        this.agents = agents;
        this.devices = devices;
        this.lookups = lookups;
    }

    /**
     * The page's model.
     *
     * @param userCode what was typed, or empty
     * @param pending the request found for it, or null
     * @param problem why nothing was found, or null
     * @param queue the requests waiting that asked to join the viewer's tenant, oldest first
     */
    public record DeviceView(
            Page page,
            String userCode,
            DeviceCode pending,
            String keyFingerprint,
            String problem,
            List<DeviceAuthorizations.Pending> queue) {}

    /** The waiting queue's model (a live fragment of the page): the requests and the viewer's tenant. */
    public record QueueView(List<DeviceAuthorizations.Pending> queue, String tenantId) {}

    @Override
    public void register(Pages pages) {
        // the queue, live: a machine that starts waiting appears (and one decided or expired goes) without a reload
        pages.live(
                "/ui/device/live",
                Role.ADMIN,
                "devices",
                (ctx, viewer) -> () -> pages.fragment(
                        "device/queue.jte",
                        new QueueView(devices.pending(viewer.caller(), viewer.tenantId()), viewer.tenantId())));
        pages.open("/device", (ctx, viewer) -> {
            String code = ctx.queryParam("user_code");
            ctx.redirect(
                    "/ui/device"
                            + (code == null ? "" : "?user_code=" + URLEncoder.encode(code, StandardCharsets.UTF_8)),
                    io.javalin.http.HttpStatus.SEE_OTHER);
        });
        pages.get("/ui/device", Role.ADMIN, (ctx, viewer) -> {
            Page page = pages.page("Approve a device", viewer, "devices");
            if (ctx.queryParam("approved") != null) {
                page = page.withFlash("Approved: " + approvedName(viewer, ctx.queryParam("approved"))
                        + " is enrolled in your tenant and connects within seconds.");
            } else if (ctx.queryParam("denied") != null) {
                page = page.withFlash("Denied: " + ctx.queryParam("denied") + " was not enrolled.");
            }
            String code = ctx.queryParam("user_code");
            var queue = devices.pending(viewer.caller(), viewer.tenantId());
            if (code == null || code.isBlank()) {
                pages.render(ctx, "device.jte", new DeviceView(page, "", null, null, null, queue));
                return;
            }
            limit(ctx, viewer);
            try {
                var found = devices.find(viewer.caller(), code.strip());
                pages.render(
                        ctx,
                        "device.jte",
                        new DeviceView(
                                page, found.code().userCode(), found.code(), found.keyFingerprint(), null, queue));
            } catch (HubException.NotFound e) {
                HubErrors.answer(ctx, e);
                pages.render(ctx, "device.jte", new DeviceView(page, code.strip(), null, null, e.getMessage(), queue));
            }
        });
        pages.post("/ui/device/approve", Role.ADMIN, (ctx, viewer) -> {
            limit(ctx, viewer);
            String code = userCode(ctx);
            Agent agent;
            try {
                agent = devices.approve(
                        viewer.caller(), code, viewer.tenantId(), labels(ctx), Origin.dashboard(ctx.ip()));
            } catch (HubException.NotFound | HubException.Conflict e) {
                lookAgain(ctx, code); // expired, decided by someone else, or mistyped: the page says which
                return;
            }
            Pages.redirect(ctx, "/ui/device?approved=" + agent.id());
        });
        pages.post("/ui/device/deny", Role.ADMIN, (ctx, viewer) -> {
            limit(ctx, viewer);
            DeviceCode code;
            try {
                code = devices.deny(viewer.caller(), userCode(ctx), Origin.dashboard(ctx.ip()));
            } catch (HubException.NotFound | HubException.Conflict e) {
                lookAgain(ctx, userCode(ctx));
                return;
            }
            Pages.redirect(ctx, "/ui/device?denied=" + URLEncoder.encode(code.hostname(), StandardCharsets.UTF_8));
        });
    }

    private void limit(Context ctx, Viewer viewer) {
        lookups.acquire(ctx.ip());
        lookups.acquire("user:" + viewer.userId());
    }

    /** The code from the form; empty when none was sent. */
    private static String userCode(Context ctx) {
        String code = ctx.formParam("user_code");
        return code == null ? "" : code.strip();
    }

    /** Back to the look-up, which shows why the code cannot be decided (or asks for one). */
    private static void lookAgain(Context ctx, String code) {
        Pages.redirect(
                ctx,
                "/ui/device" + (code.isEmpty() ? "" : "?user_code=" + URLEncoder.encode(code, StandardCharsets.UTF_8)));
    }

    /** Labels typed as {@code finance, office}; blanks dropped. Checked by the registration rules. */
    private static List<String> labels(Context ctx) {
        String text = ctx.formParam("labels");
        if (text == null || text.isBlank()) {
            return List.of();
        }
        return Arrays.stream(text.split(","))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .toList();
    }

    /** The approved agent by its host name (and id), as the viewer's tenant has it; else the id as given. */
    private String approvedName(Viewer viewer, String agentId) {
        try {
            var agent = agents.find(viewer.caller(), viewer.tenantId(), agentId);
            return agent.hostname() + " (agent " + agent.id() + ")";
        } catch (HubException.NotFound e) {
            return "agent " + agentId;
        }
    }
}
