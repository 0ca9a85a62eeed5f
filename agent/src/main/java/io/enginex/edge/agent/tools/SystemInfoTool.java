package io.enginex.edge.agent.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.agent.HostInfo;
import io.enginex.edge.protocol.ToolDescriptor;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * {@code sys.info}: facts about the machine and the agent. Deliberately no environment variables, user
 * names or anything else that could carry a secret.
 */
public final class SystemInfoTool implements Tool {
    public static final String NAME = "sys.info";

    private static final ToolDescriptor DESCRIPTOR = new ToolDescriptor(
            NAME,
            "System information",
            "Describes the machine the agent runs on: operating system, architecture, host name, CPU count,"
                    + " memory, Java runtime version, agent version and agent uptime.",
            Schemas.parse("{\"type\":\"object\",\"additionalProperties\":false}"),
            "low");

    private final HostInfo host;
    private final Clock clock;
    private final Instant agentStarted;

    public SystemInfoTool(HostInfo host, Clock clock, Instant agentStarted) {
        this.host = host;
        this.clock = clock;
        this.agentStarted = agentStarted;
    }

    @Override
    public ToolDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public JsonNode call(JsonNode args, ToolContext context) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("os", host.os());
        out.put("osVersion", System.getProperty("os.version", "unknown"));
        out.put("arch", host.arch());
        out.put("hostname", host.hostname());
        out.put("cpus", Runtime.getRuntime().availableProcessors());
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            out.put("memoryBytes", sun.getTotalMemorySize());
            out.put("freeMemoryBytes", sun.getFreeMemorySize());
        }
        out.put("javaVersion", Runtime.version().toString());
        out.put("agentVersion", host.agentVersion());
        out.put(
                "agentUptimeSeconds",
                Math.max(0, Duration.between(agentStarted, clock.instant()).toSeconds()));
        return out;
    }
}
