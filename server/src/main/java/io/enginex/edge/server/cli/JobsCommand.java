package io.enginex.edge.server.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.enginex.edge.client.Agent;
import io.enginex.edge.client.EdgeClient;
import io.enginex.edge.client.Job;
import io.enginex.edge.client.JobRequest;
import io.enginex.edge.server.config.HumanDuration;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "jobs",
        description =
                "Dispatch a tool call to an agent and wait for its result, show or list jobs, approve or deny one.",
        mixinStandardHelpOptions = true,
        subcommands = {
            JobsCommand.Run.class,
            JobsCommand.Show.class,
            JobsCommand.ListJobs.class,
            JobsCommand.Approve.class,
            JobsCommand.Deny.class
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  engine jobs run --tenant acme --agent agt_… --tool fs.list --args '{\"path\":\".\"}'",
            "  engine jobs show --tenant acme job_…",
            "  engine jobs list --tenant acme --state awaiting_approval",
            "  engine jobs approve --tenant acme job_… --reason 'month-end export'"
        })
final class JobsCommand {
    /** One long-poll stays below the client's 30 s request timeout. */
    private static final int POLL_SECONDS = 20;

    @Command(
            name = "run",
            description = {
                "Dispatch a tool call to an agent and wait for the result.",
                "The job is written to the hub's database before it is sent, so it survives a hub restart;"
                        + " the agent runs it at most once. Exit code 0 when it succeeded, 1 otherwise."
            },
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {
                "  engine jobs run --tenant acme --agent agt_… --tool sys.info",
                "  engine jobs run --tenant acme --agent agt_… --tool fs.read --args '{\"path\":\"q3.csv\"}' --json",
                "  engine jobs run --tenant acme --agent agt_… --tool fs.list --session ses_… --no-wait"
            })
    static final class Run extends ClientCommand {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant id.")
        String tenant;

        @Option(names = "--agent", required = true, paramLabel = "AGENT", description = "Agent id (agt_…).")
        String agent;

        @Option(names = "--tool", required = true, paramLabel = "TOOL", description = "Tool name, e.g. fs.list.")
        String tool;

        @Option(
                names = "--args",
                paramLabel = "JSON",
                defaultValue = "{}",
                description = "Arguments as a JSON object (default: ${DEFAULT-VALUE}).")
        String args;

        @Option(
                names = "--session",
                paramLabel = "SESSION",
                description = "Session to add the job to (default: a new session named after the tool).")
        String session;

        @Option(
                names = "--timeout",
                paramLabel = "DURATION",
                defaultValue = "60s",
                description = "Deadline for the job, e.g. 30s, 5m (default: ${DEFAULT-VALUE}).")
        String timeout;

        @Option(names = "--no-wait", description = "Print the job as created and return without waiting.")
        boolean noWait;

        @Override
        void run(HubClient hub) {
            EdgeClient edge = hub.edge();
            JobRequest request = request(parseArgs(), parseTimeout());
            String sessionId =
                    session != null ? session : edge.createSession(tenant, tool).id();
            Job job = edge.createJob(tenant, sessionId, request);
            if (!noWait) {
                job = awaitFinished(
                        hub, job, Instant.now().plus(request.timeout()).plusSeconds(5));
            }
            if (!printedJson(job.json())) {
                printHuman(job.json(), sessionId);
            }
            if (!noWait && !job.succeeded()) {
                throw new CliException("job " + job.id() + " ended " + job.state()
                        + (job.error() != null
                                ? ": " + Objects.toString(job.error().message(), "")
                                : ""));
            }
        }

        private JobRequest request(JsonNode arguments, Duration deadline) {
            try {
                return JobRequest.of(agent, tool).withArgs(arguments).withTimeout(deadline);
            } catch (IllegalArgumentException e) {
                throw new CliException("--timeout: " + e.getMessage(), CliException.USAGE);
            }
        }

        /**
         * Long-polls until the job finishes or {@code giveUp}. Says on stderr at once why a job is not
         * running yet (it waits for a person's approval, or its agent is offline), with the page to
         * act on, says so again whenever that changes, and prints progress after every poll.
         */
        private Job awaitFinished(HubClient hub, Job created, Instant giveUp) {
            PrintWriter err = spec.commandLine().getErr();
            String jobId = created.id();
            Instant start = Instant.now();
            Job job = created;
            String explained = explain(hub, job, err, null);
            while (!job.finished() && Instant.now().isBefore(giveUp)) {
                long wait = Math.clamp(Duration.between(Instant.now(), giveUp).toSeconds(), 1, POLL_SECONDS);
                job = hub.edge().pollJob(tenant, jobId, Duration.ofSeconds(wait));
                if (job.finished()) {
                    break;
                }
                explained = explain(hub, job, err, explained);
                err.println("still waiting for " + jobId + " (" + job.state() + ", "
                        + Duration.between(start, Instant.now()).toSeconds() + " s so far; deadline "
                        + text(job.json(), "deadline") + ")…");
                err.flush();
            }
            return job;
        }

        /**
         * Says why the job is not running yet, once per state.
         *
         * @return the state now explained
         */
        private String explain(HubClient hub, Job job, PrintWriter err, String explained) {
            String state = job.state();
            if (state.equals(explained)) {
                return explained;
            }
            String jobId = job.id();
            String deadline = text(job.json(), "deadline");
            String base = hub.base().toString().replaceAll("/+$", "");
            switch (state) {
                case "awaiting_approval" ->
                    err.println("Job " + jobId + " waits for a person's approval before it"
                            + " is sent (a policy or the agent requires it for " + tool + "). Approve or deny it at "
                            + base + "/ui/approvals/" + jobId + " or with: engine jobs approve --tenant " + tenant + " "
                            + jobId + ". Waiting until its deadline, " + deadline + ".");
                case "queued" -> {
                    Agent agentView = hub.edge().agent(tenant, agent);
                    if (!agentView.connected()) {
                        err.println("Agent " + agent + " (" + text(agentView.json(), "hostname") + ") is offline; job "
                                + jobId + " waits in the hub's queue and is sent when the agent connects, until its"
                                + " deadline, " + deadline + ". Agent page: " + base + "/ui/agents/" + agent);
                    } else {
                        err.println("Job " + jobId + " is queued for agent " + agent + ".");
                    }
                }
                case "dispatched" -> err.println("Job " + jobId + " was sent to agent " + agent + ".");
                case "running" -> err.println("Job " + jobId + " is running on agent " + agent + ".");
                default -> {
                    // finished: the result is printed to stdout
                }
            }
            err.flush();
            return state;
        }

        private void printHuman(JsonNode job, String sessionId) {
            out().println("Job " + text(job, "id") + " in session " + sessionId + ": " + tool + " on " + agent + " → "
                    + text(job, "state") + " (attempt " + text(job, "attempt") + ")");
            try {
                if (job.path("output").isObject()) {
                    out().println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(job.path("output")));
                } else if (job.path("error").isObject()) {
                    out().println("error " + text(job.path("error"), "code") + ": "
                            + text(job.path("error"), "message"));
                }
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            out().flush();
        }

        private JsonNode parseArgs() {
            try {
                JsonNode node = mapper.readTree(args);
                if (node == null || !node.isObject()) {
                    throw new CliException("--args must be a JSON object, e.g. '{\"path\":\".\"}'", CliException.USAGE);
                }
                return node;
            } catch (JsonProcessingException e) {
                throw new CliException(
                        "--args is not valid JSON (" + e.getOriginalMessage() + "); quote it for the shell, e.g. "
                                + "--args '{\"path\":\".\"}'",
                        CliException.USAGE);
            }
        }

        private Duration parseTimeout() {
            try {
                return HumanDuration.parse(timeout);
            } catch (IllegalArgumentException e) {
                throw new CliException("--timeout: " + e.getMessage(), CliException.USAGE);
            }
        }
    }

    @Command(
            name = "show",
            description = "Show one job with its arguments and its result or error.",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {"  engine jobs show --tenant acme job_…"})
    static final class Show extends ClientCommand {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant id.")
        String tenant;

        @Parameters(index = "0", paramLabel = "ID", description = "Job id (job_…).")
        String id;

        @Override
        void run(HubClient hub) {
            Job job = hub.edge().job(tenant, id);
            try {
                out().println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(job.json()));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            out().flush();
        }
    }

    @Command(
            name = "list",
            description = "List a tenant's jobs in one state, newest first (e.g. those awaiting approval).",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {
                "  engine jobs list --tenant acme --state awaiting_approval",
                "  engine jobs list --tenant acme --state failed --limit 10 --json"
            })
    static final class ListJobs extends ClientCommand {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant id.")
        String tenant;

        @Option(
                names = "--state",
                required = true,
                paramLabel = "STATE",
                description =
                        "awaiting_approval, queued, dispatched, running, succeeded, failed, timed_out or cancelled.")
        String state;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "50", description = "At most N jobs (1–500).")
        int limit;

        @Override
        void run(HubClient hub) {
            ArrayNode jobs = mapper.createArrayNode();
            hub.edge().jobs(tenant, state, limit).forEach(j -> jobs.add(j.json()));
            if (printedJson(jobs)) {
                return;
            }
            TextTable table = new TextTable("ID", "AGENT", "TOOL", "ARGS", "STATE", "CREATED", "DEADLINE");
            for (JsonNode j : jobs) {
                table.row(
                        text(j, "id"),
                        text(j, "agentId"),
                        text(j, "tool"),
                        j.path("args").toString(),
                        text(j, "state"),
                        text(j, "createdAt"),
                        text(j, "deadline"));
            }
            table.print(out());
        }
    }

    /** Approve or deny: the same request to a different path. */
    abstract static class Decide extends ClientCommand {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant id.")
        String tenant;

        @Parameters(index = "0", paramLabel = "ID", description = "Job id (job_…) awaiting approval.")
        String id;

        @Option(
                names = "--reason",
                paramLabel = "TEXT",
                description = "Why; recorded on the job and in the audit trail.")
        String reason;

        /** Approves or denies the job. */
        abstract Job decide(EdgeClient edge);

        @Override
        void run(HubClient hub) {
            JsonNode job = decide(hub.edge()).json();
            if (!printedJson(job)) {
                out().println("Job " + id + " (" + text(job, "tool") + " on " + text(job, "agentId") + ") "
                        + text(job.path("approval"), "state") + " by " + text(job.path("approval"), "by") + "; now "
                        + text(job, "state") + ".");
                out().flush();
            }
        }
    }

    @Command(
            name = "approve",
            description = {
                "Approve a job awaiting approval: it is sent to its agent now (or when the agent next connects).",
                "Needs an operator, admin or owner key."
            },
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {"  engine jobs approve --tenant acme job_… --reason 'month-end export, checked with finance'"})
    static final class Approve extends Decide {
        @Override
        Job decide(EdgeClient edge) {
            return edge.approve(tenant, id, reason);
        }
    }

    @Command(
            name = "deny",
            description = {
                "Deny a job awaiting approval: it ends cancelled with error approval_denied and is never sent.",
                "Needs an operator, admin or owner key."
            },
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {"  engine jobs deny --tenant acme job_… --reason 'wrong period'"})
    static final class Deny extends Decide {
        @Override
        Job decide(EdgeClient edge) {
            return edge.deny(tenant, id, reason);
        }
    }
}
