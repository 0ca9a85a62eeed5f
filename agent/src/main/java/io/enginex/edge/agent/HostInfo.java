package io.enginex.edge.agent;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;

/**
 * What the hub is told about this machine in registration and {@code hello}.
 *
 * @param os operating system name ({@code os.name})
 * @param arch CPU architecture ({@code os.arch})
 * @param hostname the machine's name, or {@code "unknown"} when it cannot be found
 * @param agentVersion see {@link AgentVersion}
 */
public record HostInfo(String os, String arch, String hostname, String agentVersion) {
    /** Reads the running machine's facts. May take a moment when the local name needs DNS. */
    public static HostInfo current() {
        return new HostInfo(
                System.getProperty("os.name", "unknown"),
                System.getProperty("os.arch", "unknown"),
                hostname(System.getenv()),
                AgentVersion.current());
    }

    static String hostname(Map<String, String> env) {
        // The environment is checked first: it needs no lookup and is what the person sees in a shell.
        for (String name : new String[] {"HOSTNAME", "COMPUTERNAME"}) {
            String value = env.get(name);
            if (value != null && !value.isBlank()) {
                return value.strip();
            }
        }
        try {
            String name = InetAddress.getLocalHost().getHostName();
            return name == null || name.isBlank() ? "unknown" : name;
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }
}
