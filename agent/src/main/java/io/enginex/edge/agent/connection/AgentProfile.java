package io.enginex.edge.agent.connection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.agent.HostInfo;
import io.enginex.edge.protocol.Hello;
import io.enginex.edge.protocol.Pause;
import io.enginex.edge.protocol.Protocol;
import io.enginex.edge.protocol.ToolDescriptor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What this agent announces in every {@code hello}: the machine, the tools, and a hash of the tool
 * and root configuration so the hub can tell when it changed.
 *
 * @param root the shared folder's real path, or null when file tools are off
 */
public record AgentProfile(
        HostInfo host, List<ToolDescriptor> tools, Path root, String policyHash, String exchangeKey) {
    public AgentProfile {
        tools = List.copyOf(tools);
    }

    /** A profile without an exchange key. */
    public AgentProfile(HostInfo host, List<ToolDescriptor> tools, Path root, String policyHash) {
        this(host, tools, root, policyHash, null);
    }

    /** This profile announcing {@code key} (base64 X25519 SubjectPublicKeyInfo) as its exchange key. */
    public AgentProfile withExchangeKey(String key) {
        return new AgentProfile(host, tools, root, policyHash, key);
    }

    /** Builds the profile and computes its policy hash. */
    public static AgentProfile of(HostInfo host, List<ToolDescriptor> tools, Path root, ObjectMapper mapper) {
        return new AgentProfile(host, tools, root, policyHash(tools, root, mapper));
    }

    /** @param pause the person's pause, or null */
    Hello hello(String id, Pause pause) {
        return new Hello(
                id,
                Protocol.VERSION,
                host.agentVersion(),
                host.os(),
                host.arch(),
                host.hostname(),
                tools,
                policyHash,
                pause,
                exchangeKey);
    }

    /**
     * {@code sha256:<hex>} of the canonical JSON (object keys sorted, no spaces) of {@code {"root":…,
     * "tools":[…descriptors by name]}}: the same configuration always gives the same hash.
     */
    static String policyHash(List<ToolDescriptor> tools, Path root, ObjectMapper mapper) {
        ObjectNode config = mapper.createObjectNode();
        config.put("root", root == null ? null : root.toString());
        ArrayNode list = config.putArray("tools");
        tools.stream()
                .sorted((a, b) -> a.name().compareTo(b.name()))
                .forEach(tool -> list.add(mapper.valueToTree(tool)));
        try {
            String canonical = mapper.writeValueAsString(canonical(config));
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot hash the tool configuration", e);
        }
    }

    private static Object canonical(JsonNode node) {
        if (node.isObject()) {
            Map<String, Object> sorted = new TreeMap<>();
            node.properties().forEach(e -> sorted.put(e.getKey(), canonical(e.getValue())));
            return sorted;
        }
        if (node.isArray()) {
            List<Object> items = new ArrayList<>();
            node.forEach(item -> items.add(canonical(item)));
            return items;
        }
        return node;
    }
}
