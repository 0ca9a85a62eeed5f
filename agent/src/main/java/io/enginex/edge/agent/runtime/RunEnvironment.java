package io.enginex.edge.agent.runtime;

import io.enginex.edge.agent.HostInfo;
import io.enginex.edge.agent.exec.ProcessGroups;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;

/**
 * What the agent takes from the machine it runs on, handed to the {@link AgentRuntime} rather than
 * read from statics, so tests control time and place.
 *
 * @param clock the agent's time
 * @param env the process environment (proxies: {@code HTTPS_PROXY}, {@code NO_PROXY})
 * @param host what {@code hello} says about this machine
 * @param processGroups how {@code exec} trees are grouped and ended on this OS
 * @param pid this process's id, written to the status file
 * @param osName the {@code os.name} property
 * @param appPath the jpackage launcher's path ({@code jpackage.app-path}), or null when run from a jar
 * @param out where the lines meant for the person go ({@code Connected to …})
 */
public record RunEnvironment(
        Clock clock,
        Map<String, String> env,
        HostInfo host,
        ProcessGroups processGroups,
        long pid,
        String osName,
        String appPath,
        PrintWriter out) {
    public RunEnvironment {
        Objects.requireNonNull(clock, "clock");
        env = Map.copyOf(env);
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(processGroups, "processGroups");
        Objects.requireNonNull(osName, "osName");
        Objects.requireNonNull(out, "out");
    }

    /** This process on this machine, printing to {@code out}. */
    public static RunEnvironment system(PrintWriter out) {
        return new RunEnvironment(
                Clock.systemUTC(),
                System.getenv(),
                HostInfo.current(),
                ProcessGroups.forThisMachine(),
                ProcessHandle.current().pid(),
                System.getProperty("os.name", ""),
                System.getProperty("jpackage.app-path"),
                out);
    }
}
