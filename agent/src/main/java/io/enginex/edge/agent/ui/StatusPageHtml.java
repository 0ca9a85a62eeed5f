package io.enginex.edge.agent.ui;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.agent.usersession.ConsentDesk;

/**
 * The status page's HTML: one self-contained document (one style element, no script; the content
 * security policy allows that style by its hash and nothing else), refreshed every 10 s. Every value is
 * escaped.
 */
final class StatusPageHtml {
    private StatusPageHtml() {}

    private static final String STYLE = "body{font:15px system-ui,sans-serif;margin:2em auto;max-width:52em;color:#222}"
            + "table{border-collapse:collapse}td,th{padding:.25em .8em .25em 0;text-align:left;vertical-align:top}"
            + "th{color:#555;font-weight:normal}.paused{background:#fff3cd;padding:.8em;border:1px solid #e0c36c}"
            + ".ok{color:#176f2c}.bad{color:#a61b1b}pre{background:#f5f5f5;padding:.8em;overflow:auto;font-size:12px}"
            + "button{font-size:15px;padding:.4em 1em}form{display:inline}"
            + ".consent{background:#e7f1ff;padding:.8em;border:1px solid #7aa7e0;margin-bottom:1em}";

    /** The CSP source that allows exactly the page's style element: {@code 'sha256-…'}. */
    static final String STYLE_HASH = "'sha256-" + sha256Base64(STYLE) + "'";

    private static String sha256Base64(String text) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.Base64.getEncoder().encodeToString(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /**
     * @param graphs the names of the graphs the person may start, each with a button
     * @param verified whether {@code user} was proven (the session channel); only then Allow / Deny
     * @param consents the consent requests waiting; Allow / Deny on those for {@code user}
     */
    static String render(
            JsonNode report,
            String user,
            boolean verified,
            String csrf,
            java.util.List<String> graphs,
            java.util.List<ConsentDesk.Request> consents,
            java.time.Instant now) {
        JsonNode s = report.path("status");
        boolean running = report.path("running").asBoolean();
        String state = s.path("state").asText("unknown");
        JsonNode paused = s.path("paused");
        StringBuilder html = new StringBuilder(head("EngineX agent", true));
        html.append("<h1>EngineX agent on this machine</h1>");
        consents(html, consents, user, verified, csrf, now);
        if (paused.isObject()) {
            html.append("<p class=\"paused\"><b>Local actions are paused</b> by ")
                    .append(esc(paused.path("by").asText()))
                    .append(" since ")
                    .append(esc(paused.path("since").asText()))
                    .append(". The agent refuses new jobs (they fail with <code>agent_paused</code>); jobs that were"
                            + " running finish. The hub shows this agent as paused.</p>")
                    .append(form("/resume", csrf, "Resume local actions"));
        } else {
            html.append("<p>Local actions are allowed: the hub may run tools on this machine within its policy.</p>")
                    .append(form("/pause", csrf, "Pause local actions"));
        }
        html.append("<h2>Connection</h2><table>");
        row(
                html,
                "State",
                "<span class=\"" + ("connected".equals(state) && running ? "ok" : "bad") + "\">"
                        + esc(running ? state : "not running (last: " + state + ")") + "</span> since "
                        + esc(s.path("since").asText()));
        row(html, "Hub", esc(s.path("hub").asText("-")));
        row(
                html,
                "Agent",
                esc(s.path("agentId").asText("-")) + " (tenant "
                        + esc(s.path("tenant").asText("-")) + ")");
        row(html, "Last heartbeat", esc(s.path("lastConnectedAt").asText("never")));
        row(html, "Last error", esc(s.path("lastError").asText("-")));
        row(html, "Updates", esc(s.path("update").path("detail").asText("-")));
        row(
                html,
                "Version",
                esc(s.path("version").asText()) + ", pid " + esc(s.path("pid").asText()));
        html.append("</table><h2>Jobs (newest last)</h2>");
        JsonNode jobs = report.path("jobs");
        if (jobs.isEmpty()) {
            html.append("<p>None yet.</p>");
        } else {
            html.append("<table><tr><th>Job</th><th>State</th><th>Started</th><th>Error</th></tr>");
            for (JsonNode job : jobs) {
                html.append("<tr><td>")
                        .append(esc(job.path("jobId").asText()))
                        .append("</td><td>")
                        .append(esc(job.path("state").asText()))
                        .append("</td><td>")
                        .append(esc(job.path("startedAt").asText()))
                        .append("</td><td>")
                        .append(esc(job.path("error").asText("")))
                        .append("</td></tr>");
            }
            html.append("</table>");
        }
        if (!graphs.isEmpty()) {
            html.append("<h2>Graphs</h2><p>The hub assigned these graphs to this agent. Start one now (it runs after"
                    + " the run going on, if any; see it with <code>enginex-agent graph runs</code>):</p><table>");
            for (String graph : graphs) {
                html.append("<tr><td>")
                        .append(esc(graph))
                        .append("</td><td><form method=\"post\" action=\"/graph-runs\"><input type=\"hidden\""
                                + " name=\"csrf\" value=\"")
                        .append(esc(csrf))
                        .append("\"><input type=\"hidden\" name=\"graph\" value=\"")
                        .append(esc(graph))
                        .append("\"><button type=\"submit\">Start</button></form></td></tr>");
            }
            html.append("</table>");
        }
        html.append("<h2>Last actions on this machine (newest last)</h2>");
        JsonNode actions = report.path("actions");
        if (actions.isEmpty()) {
            html.append("<p>No tool has run here yet.</p>");
        } else {
            html.append("<table id=\"actions\"><tr><th>Time</th><th>Tool</th><th>On</th><th>Outcome</th>"
                    + "<th>Job</th></tr>");
            for (JsonNode action : actions) {
                String outcome = action.path("outcome").asText();
                html.append("<tr><td>")
                        .append(esc(action.path("at").asText()))
                        .append("</td><td>")
                        .append(esc(action.path("tool").asText()))
                        .append("</td><td>")
                        .append(esc(action.path("target").asText()))
                        .append("</td><td class=\"")
                        .append("ok".equals(outcome) ? "ok" : "bad")
                        .append("\">")
                        .append(esc(outcome
                                + (action.has("code")
                                        ? " (" + action.path("code").asText() + ")"
                                        : "")))
                        .append("</td><td>")
                        .append(esc(action.path("jobId").asText()))
                        .append("</td></tr>");
            }
            html.append("</table>");
        }
        html.append("<h2>Log (last lines)</h2><pre>");
        report.path("log").forEach(line -> html.append(esc(line.asText())).append('\n'));
        html.append("</pre><p>Signed in as ")
                .append(esc(user))
                .append(". ")
                .append(form("/logout", csrf, "Sign out"))
                .append("</p></body></html>");
        return html.toString();
    }

    private static void consents(
            StringBuilder html,
            java.util.List<ConsentDesk.Request> consents,
            String user,
            boolean verified,
            String csrf,
            java.time.Instant now) {
        for (ConsentDesk.Request r : consents) {
            html.append("<div class=\"consent\" id=\"consent-")
                    .append(esc(r.id()))
                    .append("\"><p><b>Consent asked</b> of ")
                    .append(esc(r.user()))
                    .append(": job <code>")
                    .append(esc(r.jobId()))
                    .append("</code> wants <code>")
                    .append(esc(r.tool()));
            if (r.secret() != null) {
                html.append("</code> to use the secret <code>").append(esc(r.secret()));
            } else {
                html.append("</code> to run with <code class=\"consent-args\">").append(esc(r.details()));
            }
            html.append("</code>");
            if (r.requestedBy() != null) {
                html.append(", asked by <span class=\"consent-requester\">")
                        .append(esc(r.requestedBy()))
                        .append("</span>");
            }
            html.append(". Time left: ").append(r.left(now).toSeconds()).append(" s (no answer counts as deny).</p>");
            if (r.user().equals(user) && !verified) {
                html.append("<p>This page was opened with a link that does not prove who you are, so it cannot"
                        + " answer. Run <code>enginex-agent ui</code> in your own desktop session (it asks the agent"
                        + " over the session channel, which proves it), or answer in the dialog.</p>");
            } else if (r.user().equals(user)) {
                html.append(consentForm(r.id(), csrf, "allow", "Allow"))
                        .append(' ')
                        .append(consentForm(r.id(), csrf, "deny", "Deny"));
            } else {
                html.append("<p>Only ").append(esc(r.user())).append(" may answer it.</p>");
            }
            html.append("</div>");
        }
    }

    private static String consentForm(String id, String csrf, String answer, String label) {
        return "<form method=\"post\" action=\"/consents\"><input type=\"hidden\" name=\"csrf\" value=\""
                + esc(csrf) + "\"><input type=\"hidden\" name=\"request\" value=\"" + esc(id)
                + "\"><input type=\"hidden\" name=\"answer\" value=\"" + answer + "\"><button type=\"submit\""
                + " name=\"" + answer + "\">" + esc(label) + "</button></form>";
    }

    static String signedOut() {
        return head("EngineX agent: sign in", false)
                + "<h1>EngineX agent</h1><p>This page shows the agent on this machine and lets you pause it. Open it"
                + " from a terminal with</p><pre>enginex-agent ui</pre><p>which opens a one-time login link. On a"
                + " service install your account needs to be in the group <code>enginex-agent-ui</code>.</p></body></html>";
    }

    static String linkExpired() {
        return head("EngineX agent: link expired", false)
                + "<h1>This login link has expired or was used</h1><p>Login links work once, within a minute. Run"
                + " <code>enginex-agent ui</code> again.</p></body></html>";
    }

    private static String head(String title, boolean refresh) {
        return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + esc(title) + "</title>"
                + (refresh ? "<meta http-equiv=\"refresh\" content=\"10\">" : "")
                + "<meta name=\"viewport\" content=\"width=device-width\"><style>" + STYLE + "</style></head><body>";
    }

    private static String form(String action, String csrf, String label) {
        return "<form method=\"post\" action=\"" + action + "\"><input type=\"hidden\" name=\"csrf\" value=\""
                + esc(csrf) + "\"><button type=\"submit\">" + esc(label) + "</button></form>";
    }

    private static void row(StringBuilder html, String name, String valueHtml) {
        html.append("<tr><th>")
                .append(esc(name))
                .append("</th><td>")
                .append(valueHtml)
                .append("</td></tr>");
    }

    static String esc(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
