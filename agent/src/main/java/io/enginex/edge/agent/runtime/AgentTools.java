package io.enginex.edge.agent.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.agent.HostInfo;
import io.enginex.edge.agent.connection.AgentProfile;
import io.enginex.edge.agent.connection.TenantPolicyHandler;
import io.enginex.edge.agent.exec.CommandRunner;
import io.enginex.edge.agent.graph.HubGraphs;
import io.enginex.edge.agent.policy.EffectivePolicy;
import io.enginex.edge.agent.policy.PolicyException;
import io.enginex.edge.agent.policy.PolicyFile;
import io.enginex.edge.agent.policy.TenantPolicyCache;
import io.enginex.edge.agent.policy.TenantPolicySet;
import io.enginex.edge.agent.sandbox.FileSandbox;
import io.enginex.edge.agent.sandbox.SandboxException;
import io.enginex.edge.agent.tools.BuiltinTools;
import io.enginex.edge.agent.tools.CurrentToolbox;
import io.enginex.edge.agent.tools.PluginTools;
import io.enginex.edge.agent.tools.Tool;
import io.enginex.edge.agent.tools.ToolRegistry;
import io.enginex.edge.agent.tools.Toolbox;
import io.enginex.edge.agent.usersession.SessionRouter;
import io.enginex.edge.common.graph.Graph;
import io.enginex.edge.common.graph.GraphException;
import io.enginex.edge.common.graph.GraphFormat;
import io.enginex.edge.protocol.AssignedGraphs;
import io.enginex.edge.protocol.ErrorCodes;
import io.enginex.edge.protocol.TenantPolicy;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's tools under its effective policy, rebuilt whenever the hub sends tenant policies:
 * builds a {@link Toolbox} (built-ins and plug-ins the policy allows, the reasons for the rest, the
 * summary {@code policy show --json} prints), caches what the hub sent, and puts the result in
 * force. Shared by {@code run} and {@code policy show}, so both show the same thing.
 *
 * <p>Thread-safe: {@link #apply} runs one at a time.
 */
public final class AgentTools implements TenantPolicyHandler {
    private static final Logger log = LoggerFactory.getLogger(AgentTools.class);

    private final PolicySetup.Machine machine;
    private final Path stateDir;
    private final HostInfo host;
    private final Clock clock;
    private final Instant started;
    private final Optional<CommandRunner> runner;
    private final PluginTools.Loaded plugins;
    private final TenantPolicyCache cache;
    private final String hub;
    private final ObjectMapper mapper;
    private final ReentrantLock applying = new ReentrantLock();
    private final CurrentToolbox current;
    private final HubGraphs graphs;
    private volatile Runnable graphsAssigned = () -> {};
    private final Optional<SessionRouter> sessions;

    /**
     * Builds the first toolbox from the cached tenant policies (none when the hub never sent any).
     *
     * @param hub the hub's URL, recorded with the cached policies
     */
    public AgentTools(
            PolicySetup.Machine machine,
            Path stateDir,
            HostInfo host,
            Clock clock,
            Optional<CommandRunner> runner,
            PluginTools.Loaded plugins,
            String hub,
            ObjectMapper mapper) {
        this(machine, stateDir, host, clock, runner, plugins, hub, mapper, Optional.empty());
    }

    /**
     * As above; with {@code sessions} (the service takes user session parts) the desktop tools the
     * policy allows are offered too.
     */
    public AgentTools(
            PolicySetup.Machine machine,
            Path stateDir,
            HostInfo host,
            Clock clock,
            Optional<CommandRunner> runner,
            PluginTools.Loaded plugins,
            String hub,
            ObjectMapper mapper,
            Optional<SessionRouter> sessions) {
        this.sessions = sessions;
        this.machine = machine;
        this.stateDir = stateDir;
        this.host = host;
        this.clock = clock;
        this.started = clock.instant();
        this.runner = runner;
        this.plugins = plugins;
        this.cache = new TenantPolicyCache(stateDir, mapper);
        this.hub = hub;
        this.mapper = mapper;
        this.current = new CurrentToolbox(build(cachedTenantPolicies()));
        this.graphs = new HubGraphs(stateDir, mapper, new GraphFormat(mapper), this::checkWatch);
    }

    /**
     * The real path of a graph's watched folder: relative to the first root, or absolute inside a root
     * of the policy in force (a link on the way may not lead out).
     *
     * @throws IllegalArgumentException naming the fix, when the folder is outside the allowed roots or
     *     the policy has none
     * @throws io.enginex.edge.agent.sandbox.SandboxException {@code not_found} when it does not exist (yet)
     */
    public Path watchedFolder(String folder) {
        Optional<FileSandbox> sandbox = PolicySetup.sandbox(current.get().policy());
        if (sandbox.isEmpty()) {
            throw new IllegalArgumentException("the folder to watch \"" + folder
                    + "\" cannot be inside an allowed root: the policy gives this agent no folder; add a root to"
                    + " the machine policy");
        }
        try {
            return sandbox.get().rootFor(folder).resolve(folder);
        } catch (SandboxException e) {
            if (ErrorCodes.NOT_FOUND.equals(e.code())) {
                throw e;
            }
            throw new IllegalArgumentException("the folder to watch \"" + folder
                    + "\" is not inside the folders the policy allows (" + e.getMessage() + "); watch a folder inside "
                    + sandbox.get().roots().stream()
                            .map(r -> r.path().toString())
                            .toList()
                    + " or add it as a root to the machine policy");
        }
    }

    /** A graph's watched folder must be inside the allowed roots; one that does not exist yet is waited for. */
    private void checkWatch(Graph graph) {
        graph.watch().ifPresent(folder -> {
            try {
                watchedFolder(folder);
            } catch (SandboxException e) {
                // not there yet: the watch starts when it appears
            } catch (IllegalArgumentException e) {
                throw new GraphException(graph.name(), List.of(e.getMessage()));
            }
        });
    }

    /** The graphs the hub assigned to this agent, kept in the state folder. */
    public HubGraphs graphs() {
        return graphs;
    }

    @Override
    public void assignGraphs(String tenant, AssignedGraphs assigned) {
        graphs.accept(tenant, assigned);
        graphsAssigned.run();
    }

    /** Runs {@code then} each time the hub's assigned graphs were stored (the scheduler reads them again). */
    public void onGraphsAssigned(Runnable then) {
        this.graphsAssigned = then;
    }

    /** The toolbox in force. */
    public CurrentToolbox current() {
        return current;
    }

    /** The cached tenant policies as received, or empty. */
    public Optional<TenantPolicyCache.Cached> cached() {
        try {
            return cache.read();
        } catch (PolicyException e) {
            return Optional.empty();
        }
    }

    /** What {@code hello} announces now. */
    AgentProfile profile() {
        Toolbox box = current.get();
        return AgentProfile.of(host, box.registry().descriptors(), box.root(), mapper);
    }

    @Override
    public Advertisement apply(List<TenantPolicy> policies) {
        applying.lock();
        try {
            try {
                cache.write(new TenantPolicyCache.Cached(clock.instant(), hub, policies));
            } catch (IOException e) {
                log.atWarn()
                        .addKeyValue("file", cache.path())
                        .log("cannot cache the tenant policy (" + e.getMessage()
                                + "); it applies until the agent stops");
            }
            Toolbox next = build(TenantPolicySet.of(policies, parser(), FileSystems.getDefault(), machine.policy()));
            Toolbox before = current.replace(next);
            next.policy().tenantNotes().forEach(n -> log.atWarn().log(n));
            log.atInfo()
                    .addKeyValue("tenantPolicy", next.policy().tenantSource().orElse("none"))
                    .addKeyValue("tools", String.join(",", next.registry().names()))
                    .addKeyValue("before", String.join(",", before.registry().names()))
                    .log("tenant policy applied");
            return new Advertisement(next.registry().descriptors(), profile().policyHash(), next.summary());
        } finally {
            applying.unlock();
        }
    }

    private TenantPolicySet cachedTenantPolicies() {
        try {
            return cache.read()
                    .map(c -> TenantPolicySet.of(c.policies(), parser(), FileSystems.getDefault(), machine.policy()))
                    .orElse(TenantPolicySet.NONE);
        } catch (PolicyException e) {
            log.atWarn().log(e.getMessage());
            return TenantPolicySet.of(
                    List.of(new TenantPolicy(
                            "cache", "tenant", mapper.createObjectNode().put("unreadable", true), clock.instant())),
                    parser(),
                    FileSystems.getDefault(),
                    machine.policy());
        }
    }

    private PolicyFile parser() {
        return new PolicyFile(mapper, FileSystems.getDefault());
    }

    /** The toolbox for {@code tenants} over this machine. */
    Toolbox build(TenantPolicySet tenants) {
        EffectivePolicy effective = machine.effective(tenants, stateDir);
        Optional<FileSandbox> sandbox = PolicySetup.sandbox(effective);
        List<Tool> tools = new ArrayList<>(
                BuiltinTools.create(sandbox, effective.policy(), host, clock, started, runner, sessions));
        plugins.tools().stream()
                .filter(t -> effective.policy().allowsTool(t.descriptor().name()))
                .forEach(tools::add);
        Map<String, String> blocked = BuiltinTools.blocked(sandbox, effective, plugins.plugins(), sessions.isPresent());
        ToolRegistry registry = new ToolRegistry(
                tools,
                blocked,
                effective.policy().approvalRequired().keySet(),
                effective.policy().consentRequired().keySet());
        ObjectNode summary = effective.toJson();
        ArrayNode offered = summary.putArray("offeredTools");
        registry.names().forEach(offered::add);
        ArrayNode blockedTools = summary.putArray("blockedTools");
        blocked.forEach(
                (name, reason) -> blockedTools.addObject().put("name", name).put("reason", reason));
        ArrayNode jars = summary.putArray("plugins");
        plugins.plugins()
                .forEach(p -> jars.addObject()
                        .put("jar", p.jar().toString())
                        .put("tool", p.tool().descriptor().name()));
        ArrayNode problems = summary.putArray("pluginProblems");
        plugins.problems()
                .forEach(p ->
                        problems.addObject().put("jar", String.valueOf(p.jar())).put("problem", p.message()));
        return new Toolbox(
                effective,
                registry,
                blocked,
                summary,
                sandbox.map(s -> s.roots().get(0).path()).orElse(null));
    }
}
