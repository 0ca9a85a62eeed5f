package io.enginex.edge.agent.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.agent.HostInfo;
import io.enginex.edge.agent.audit.AuditLog;
import io.enginex.edge.agent.dispatch.JobRunner;
import io.enginex.edge.agent.dispatch.OrphanTrees;
import io.enginex.edge.agent.exec.CommandRunner;
import io.enginex.edge.agent.exec.ProcessGroups;
import io.enginex.edge.agent.graph.GraphRunner;
import io.enginex.edge.agent.graph.JobRunnerCalls;
import io.enginex.edge.agent.graph.RunJournal;
import io.enginex.edge.agent.graph.RunListener;
import io.enginex.edge.agent.graph.Sleeper;
import io.enginex.edge.agent.graph.StorageLimits;
import io.enginex.edge.agent.journal.JobJournal;
import io.enginex.edge.agent.journal.JournalLimits;
import io.enginex.edge.agent.pause.PauseFile;
import io.enginex.edge.agent.pause.PauseSwitch;
import io.enginex.edge.agent.tools.PluginTools;
import io.enginex.edge.agent.tools.SecretConsent;
import io.enginex.edge.agent.tools.ToolConsent;
import io.enginex.edge.agent.tools.ToolException;
import io.enginex.edge.agent.vault.KeyStores;
import io.enginex.edge.agent.vault.Vault;
import io.enginex.edge.protocol.ErrorCodes;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Graph runs on this machine, wired as {@code enginex-agent run} wires jobs: the same toolbox
 * (machine policy ∩ cached tenant policy ∩ {@code --root}), audit log, vault and pause switch, and a
 * {@link JobRunner} over a job journal of its own ({@code graphs/journal.jsonl}, so graphs can run
 * while the connected agent runs). Opening it ends the process trees a killed predecessor left and
 * journals their jobs interrupted, before any step runs.
 *
 * <p>One per process and state folder (the graph job journal is locked); close it to stop its jobs.
 */
public final class LocalGraphs implements AutoCloseable {
    /** The largest output a graph step's tool may return, as JSON text: 16 MiB. */
    public static final int GRAPH_OUTPUT_CHARS = 16 << 20;

    /** Below the state folder: the graph job journal and {@code runs/}. */
    public static final String DIR = "graphs";

    private final ExecutorService jobs = Executors.newVirtualThreadPerTaskExecutor();
    private final JobJournal journal;
    private final JobRunner runner;
    private final GraphRunner graphs;
    private final RunJournal runs;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * Without anyone to ask: {@code graph run} and {@code graph resume} with no service, which has no
     * session parts. A step whose tool the machine policy marks {@code consentRequired}, or whose tool
     * uses a secret defined {@code use: consent}, fails {@code no_user_session} ({@link #NO_SERVICE},
     * {@link #NO_SERVICE_FOR_SECRETS}), its tool not run or the secret not revealed.
     *
     * @param machine the machine policy and {@code --root}
     * @param plugins the plug-in tools, as {@code run} loads them
     */
    public LocalGraphs(
            PolicySetup.Machine machine,
            Path stateDir,
            PluginTools.Loaded plugins,
            RunListener listener,
            ObjectMapper mapper) {
        this(machine, stateDir, plugins, listener, mapper, NO_SERVICE, NO_SERVICE_FOR_SECRETS);
    }

    /**
     * The consent of a graph run outside the service: nobody can be asked, and the message names the
     * way that can ask (the running agent, whose session parts reach the person signed in).
     */
    public static final ToolConsent NO_SERVICE = (jobId, tool, args, deadline, requestedBy, evidence) -> {
        throw new ToolException(
                ErrorCodes.NO_USER_SESSION,
                "the step's tool " + tool + " needs the consent of the person at the machine (consentRequired in the"
                        + " machine policy), and a graph run outside the agent service has nobody to ask; it was not"
                        + " run. Run the graph through the running agent, which asks the person signed in: assign it"
                        + " from the hub and start it with enginex-agent graph start NAME (or its schedule, folder"
                        + " watch or the status page's Start), with the session part running at login"
                        + " (docs/GRAPHS.md \"Consent at the machine\")");
    };

    /** As {@link #NO_SERVICE}, for a step whose tool would use a secret defined {@code use: consent}. */
    public static final SecretConsent NO_SERVICE_FOR_SECRETS =
            (jobId, tool, secret, deadline, requestedBy, evidence) -> {
                throw new ToolException(
                        ErrorCodes.NO_USER_SESSION,
                        "the secret " + secret + " may only be used by " + tool + " with the consent of the person"
                                + " at the machine (the tenant defined it with use: consent), and a graph run"
                                + " outside the agent service has nobody to ask; it was not used. Run the graph"
                                + " through the running agent, which asks the person signed in: assign it from the"
                                + " hub and start it with enginex-agent graph start NAME (or its schedule, folder"
                                + " watch or the status page's Start), with the session part running at login"
                                + " (docs/GRAPHS.md \"Consent at the machine\")");
            };

    /**
     * @param machine the machine policy and {@code --root}
     * @param plugins the plug-in tools, as {@code run} loads them
     * @param consent how a step whose tool the policy marks {@code consentRequired} asks the person at
     *     the machine, as the agent's jobs do ({@code SessionConsent} when the service takes session
     *     parts)
     * @param secretConsent how a step whose tool uses a secret defined {@code use: consent} asks them,
     *     as the agent's jobs do (the same {@code SessionConsent})
     */
    public LocalGraphs(
            PolicySetup.Machine machine,
            Path stateDir,
            PluginTools.Loaded plugins,
            RunListener listener,
            ObjectMapper mapper,
            ToolConsent consent,
            SecretConsent secretConsent) {
        Clock clock = Clock.systemUTC();
        AgentTools tools = new AgentTools(
                machine,
                stateDir,
                HostInfo.current(),
                clock,
                Optional.of(new CommandRunner(jobs, clock, 1 << 20)),
                plugins,
                "",
                mapper);
        AuditLog audit = new AuditLog(stateDir, 10L << 20, 5, clock, mapper);
        Vault vault = new Vault(
                stateDir,
                KeyStores.forThisMachine(stateDir),
                clock,
                new SecureRandom(),
                mapper,
                name -> audit.recordVault("secret.expired", name, "expiry", "graph"));
        Path dir = stateDir.resolve(DIR);
        this.journal = JobJournal.open(dir, mapper, JournalLimits.DEFAULT, clock);
        new OrphanTrees(journal, ProcessGroups.forThisMachine(), clock).endAll(CommandRunner.DEFAULT_GRACE);
        JobRunnerCalls calls =
                new JobRunnerCalls(journal, () -> tools.current().get().registry(), audit, clock);
        this.runner = JobRunner.builder(journal, calls, jobs, clock)
                // a step's output goes to its run file (a file of its own when large), never into a frame
                .maxOutputChars(GRAPH_OUTPUT_CHARS)
                .tools(
                        () -> tools.current().get().registry(),
                        tool -> tools.current().get().concurrencyOf(tool))
                .audit(audit)
                .pause(new PauseSwitch(new PauseFile(stateDir, mapper), clock))
                .vault(Optional.of(vault))
                .toolConsent(consent)
                .consent(secretConsent)
                .build();
        calls.attach(runner);
        // The quotas of the policy in force (machine ∩ tenant): a new tenant policy narrows them at once.
        this.runs = new RunJournal(
                dir.resolve("runs"),
                mapper,
                clock,
                () -> StorageLimits.of(tools.current().get().policy().policy().limits()));
        this.graphs = new GraphRunner(new GraphRunner.Parts(calls, runs, Sleeper.REAL, listener));
    }

    public GraphRunner runner() {
        return graphs;
    }

    /** The run files of this state folder ({@code graphs/runs/}). */
    public RunJournal runs() {
        return runs;
    }

    /** Stops new attempts, stops running tools (their steps end interrupted), then closes the journal. */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        graphs.stop();
        runner.stop(JobRunner.TOOL_END_LIMIT);
        journal.close();
        jobs.shutdownNow();
    }
}
