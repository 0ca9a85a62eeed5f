package io.enginex.edge.server.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.server.auth.Logins;
import io.enginex.edge.server.auth.Origin;
import io.enginex.edge.server.auth.Role;
import io.enginex.edge.server.fleet.Agents;
import io.enginex.edge.server.policy.Policies;
import io.enginex.edge.server.policy.PolicyPreview;
import io.enginex.edge.server.store.Agent;
import io.enginex.edge.server.store.PolicyScope;
import io.enginex.edge.server.store.TenantPolicyRecord;
import io.javalin.http.Context;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tenant's policies, over {@link Policies} as the API's {@code /policies} routes: {@code GET
 * /ui/policies} lists them with their scopes (every role reads them, as the API); {@code GET
 * /ui/policies/new} and {@code GET /ui/policies/{id}} open the editor (read-only below admin). The
 * editor's <em>Preview</em> ({@code POST /ui/policies/preview}, swapped in by htmx into a live region,
 * or a whole page without script) checks the draft and shows which agents its scope matches and what
 * the tenant policies become for a chosen agent, saving nothing; {@code POST /ui/policies} saves it
 * (problems are shown next to their fields and nothing is saved), {@code POST /ui/policies/{id}/delete}
 * deletes one. Admins and owners change policies; validation, audit and the push to agents are the
 * service's.
 */
public final class PolicyPages implements PageGroup {
    /** What a new policy's editor starts with: a valid document that narrows nothing yet. */
    static final String NEW_DOCUMENT = "{\n  \"version\": 1,\n  \"tools\": [\"fs.list\", \"fs.read\"]\n}";

    private final Policies policies;
    private final Agents agents;
    private final Logins logins;
    private final ObjectMapper mapper;

    PolicyPages(Policies policies, Agents agents, Logins logins, ObjectMapper mapper) {
        this.policies = policies;
        this.agents = agents;
        this.logins = logins;
        this.mapper = mapper;
    }

    /**
     * A policy as listed.
     *
     * @param scope the scope as a person reads it (an agent's host name, not its id)
     * @param matched how many of the tenant's agents (not revoked) the scope covers
     * @param tools the tools it allows, or {@code all the machine allows}
     */
    public record PolicyRow(TenantPolicyRecord policy, String scope, int matched, String tools, String updatedBy) {}

    public record PoliciesView(Page page, List<PolicyRow> policies, boolean canEdit) {}

    /**
     * The editor's form as typed.
     *
     * @param id the policy edited, or null for a new one
     */
    public record Form(String id, String scope, String description, String document, String agent) {}

    /**
     * The editor's model.
     *
     * @param problems what is wrong, by field ({@code scope}, {@code policy}, {@code description}),
     *     each naming the fix; empty when nothing is
     * @param preview the draft's preview, or null
     * @param agents the tenant's agents to choose one for the preview, by host name
     */
    public record EditorView(
            Page page,
            Form form,
            boolean canEdit,
            Map<String, String> problems,
            PreviewView preview,
            List<Agent> agents,
            String updatedBy) {}

    /** The preview region's model: the preview, or the problems that stopped it (by field). */
    public record PreviewView(PolicyPreview preview, Map<String, String> problems, boolean fragment) {
        /** The problem of {@code field} ({@code scope}, {@code policy}, {@code description}), or empty. */
        public String problem(String field) {
            return problems.getOrDefault(field, "");
        }
    }

    @Override
    public void register(Pages pages) {
        pages.get("/ui/policies", Role.VIEWER, (ctx, viewer) -> {
            Page page = pages.page("Policies", viewer, "policies");
            String deleted = ctx.queryParam("deleted");
            if (deleted != null) {
                page = page.withFlash(
                        "Policy of scope " + deleted + " deleted; its agents now take the next less specific policy.");
            }
            pages.render(ctx, "policies.jte", list(page, viewer));
        });
        pages.get("/ui/policies/new", Role.ADMIN, (ctx, viewer) -> {
            String scope = ctx.queryParam("scope");
            var form = new Form(null, scope == null ? "tenant" : scope, "", NEW_DOCUMENT, "");
            pages.render(ctx, "policy.jte", editor(pages.page("New policy", viewer, "policies"), viewer, form));
        });
        pages.get("/ui/policies/{id}", Role.VIEWER, (ctx, viewer) -> {
            TenantPolicyRecord p = policies.find(viewer.caller(), viewer.tenantId(), ctx.pathParam("id"));
            var form = new Form(p.id(), p.scope().wire(), text(p.description()), pretty(p), "");
            Page page = pages.page("Policy " + scopeName(p.scope(), agentNames(viewer)), viewer, "policies");
            String saved = ctx.queryParam("saved");
            if (saved != null) {
                page = page.withFlash("Policy saved; " + ctx.queryParam("matched")
                        + " agent(s) match its scope, and those connected were sent it at once.");
            }
            var view = editor(page, viewer, form);
            pages.render(
                    ctx,
                    "policy.jte",
                    new EditorView(
                            view.page(),
                            form,
                            view.canEdit(),
                            Map.of(),
                            null,
                            view.agents(),
                            who(people(viewer), p.updatedBy())));
        });
        pages.post("/ui/policies/preview", Role.ADMIN, (ctx, viewer) -> {
            Form form = form(ctx);
            PreviewView preview = preview(viewer, form, ctx.header("HX-Request") != null);
            if (preview.fragment()) {
                pages.render(ctx, "policies/preview.jte", preview);
                return;
            }
            var view = editor(pages.page("Preview policy", viewer, "policies"), viewer, form);
            pages.render(
                    ctx,
                    "policy.jte",
                    new EditorView(view.page(), form, true, preview.problems(), preview, view.agents(), null));
        });
        pages.post("/ui/policies", Role.ADMIN, (ctx, viewer) -> {
            Form form = form(ctx);
            PreviewView checked = preview(viewer, form, false);
            if (!checked.problems().isEmpty()) {
                ctx.status(400);
                var view = editor(pages.page("Fix the policy", viewer, "policies"), viewer, form);
                pages.render(
                        ctx,
                        "policy.jte",
                        new EditorView(view.page(), form, true, checked.problems(), null, view.agents(), null));
                return;
            }
            Policies.Change change = policies.set(
                    viewer.caller(),
                    viewer.tenantId(),
                    form.scope(),
                    mapper.readTree(form.document()),
                    form.description().isEmpty() ? null : form.description(),
                    Origin.dashboard(ctx.ip()));
            Pages.redirect(
                    ctx,
                    "/ui/policies/" + change.policy().id() + "?saved=" + (change.created() ? "created" : "replaced")
                            + "&matched=" + change.pushed().matched());
        });
        pages.post("/ui/policies/{id}/delete", Role.ADMIN, (ctx, viewer) -> {
            Policies.Change change = policies.delete(
                    viewer.caller(), viewer.tenantId(), ctx.pathParam("id"), Origin.dashboard(ctx.ip()));
            Pages.redirect(
                    ctx,
                    "/ui/policies?deleted="
                            + java.net.URLEncoder.encode(
                                    change.policy().scope().wire(), java.nio.charset.StandardCharsets.UTF_8));
        });
    }

    private PreviewView preview(Viewer viewer, Form form, boolean fragment) {
        JsonNode document;
        try {
            document = mapper.readTree(form.document());
        } catch (JsonProcessingException e) {
            var location = e.getLocation();
            Map<String, String> problems = new LinkedHashMap<>();
            problems.put(
                    "policy",
                    "the policy is not JSON"
                            + (location == null
                                    ? ""
                                    : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")")
                            + ": " + jsonProblem(e.getOriginalMessage())
                            + "; write a JSON object such as {\"version\": 1, \"tools\": [\"fs.read\"]}");
            // the other fields are still checked, so every problem shows at once
            policies.preview(
                            viewer.caller(),
                            viewer.tenantId(),
                            form.scope(),
                            mapper.createObjectNode(),
                            form.description(),
                            null)
                    .problems()
                    .forEach((field, message) -> {
                        if (!field.equals("policy")) {
                            problems.put(field, message);
                        }
                    });
            return new PreviewView(null, problems, fragment);
        }
        var draft = policies.preview(
                viewer.caller(),
                viewer.tenantId(),
                form.scope(),
                document,
                form.description().isEmpty() ? null : form.description(),
                form.agent());
        return new PreviewView(draft.preview(), draft.problems(), fragment);
    }

    /** The parser's message without where it read from (the form, so nothing a person needs). */
    private static String jsonProblem(String message) {
        String text = message == null ? "unreadable" : message;
        for (String cut : List.of(" (start marker", "\n at [Source", " at [Source")) {
            int at = text.indexOf(cut);
            if (at > 0) {
                text = text.substring(0, at);
            }
        }
        return text.strip();
    }

    private PoliciesView list(Page page, Viewer viewer) {
        Map<String, String> names = agentNames(viewer);
        Map<String, String> people = people(viewer);
        List<Agent> all = agents.list(viewer.caller(), viewer.tenantId());
        List<PolicyRow> rows = policies.list(viewer.caller(), viewer.tenantId()).stream()
                .map(p -> new PolicyRow(
                        p,
                        scopeName(p.scope(), names),
                        (int) all.stream()
                                .filter(a -> !a.revoked() && p.scope().covers(a.id(), a.labels()))
                                .count(),
                        tools(policies.document(p)),
                        who(people, p.updatedBy())))
                .toList();
        return new PoliciesView(page, rows, viewer.can(Role.ADMIN));
    }

    private EditorView editor(Page page, Viewer viewer, Form form) {
        List<Agent> choices = agents.list(viewer.caller(), viewer.tenantId()).stream()
                .filter(a -> !a.revoked())
                .sorted(java.util.Comparator.comparing(Agent::hostname))
                .toList();
        return new EditorView(page, form, viewer.can(Role.ADMIN), Map.of(), null, choices, null);
    }

    /** {@code whole tenant}, {@code label team=finance}, or {@code agent laptop-4711}. */
    static String scopeName(PolicyScope scope, Map<String, String> agentNames) {
        return switch (scope.kind()) {
            case PolicyScope.AGENT -> "agent " + agentNames.getOrDefault(scope.value(), scope.value());
            case PolicyScope.LABEL -> "label " + scope.value();
            default -> "whole tenant";
        };
    }

    private Map<String, String> agentNames(Viewer viewer) {
        Map<String, String> names = new HashMap<>();
        agents.list(viewer.caller(), viewer.tenantId()).forEach(a -> names.put(a.id(), a.hostname()));
        return names;
    }

    /** The names {@link #who} reads (see {@link UserPages#people}). */
    private Map<String, String> people(Viewer viewer) {
        return UserPages.people(viewer, logins);
    }

    /** Who an actor is, by name (see {@link UserPages#person}). */
    private static String who(Map<String, String> names, String actorId) {
        return UserPages.person(names, actorId);
    }

    private static String tools(JsonNode document) {
        JsonNode tools = document.get("tools");
        if (tools == null || !tools.isArray()) {
            return "all the machine allows";
        }
        if (tools.isEmpty()) {
            return "none";
        }
        List<String> names = new java.util.ArrayList<>();
        tools.forEach(t -> names.add(t.asText()));
        return String.join(", ", names);
    }

    private String pretty(TenantPolicyRecord p) {
        try {
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(policies.document(p));
        } catch (JsonProcessingException e) {
            return p.policyJson();
        }
    }

    private static Form form(Context ctx) {
        String id = text(ctx.formParam("id"));
        return new Form(
                id.isEmpty() ? null : id,
                text(ctx.formParam("scope")),
                text(ctx.formParam("description")),
                text(ctx.formParam("policy")),
                text(ctx.formParam("agent")));
    }

    private static String text(String value) {
        return value == null ? "" : value.strip();
    }
}
