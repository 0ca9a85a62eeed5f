package io.enginex.edge.protocol;

import java.util.List;

/**
 * Agent → hub, first frame after the upgrade: who the agent is and what it offers.
 *
 * <pre>{@code
 * {"type":"hello","id":"a-1","protocol":"1.0","agentVersion":"0.1.0","os":"Linux","arch":"amd64",
 *  "hostname":"lt-4711","tools":[{"name":"fs.read",…}],"policyHash":"sha256:…",
 *  "pause":{"by":"alice","since":"2026-11-26T10:02:11Z"}}
 * }</pre>
 *
 * <p>{@code pause} (optional, added in protocol 1.0 without a version change) is present while the
 * person at the machine has paused the agent's local actions; later changes travel in {@link
 * AgentState} frames. Older hubs ignore it.
 *
 * <p>{@code exchangeKey} (optional, added the same way) is the agent's X25519 public key for key
 * agreement (base64 X.509 SubjectPublicKeyInfo), which the hub seals the tenant's secrets to ({@link
 * SecretSeal}). An agent sends it in every hello; the hub stores it for the agent. Older hubs ignore it.
 */
public record Hello(
        String id,
        String protocol,
        String agentVersion,
        String os,
        String arch,
        String hostname,
        List<ToolDescriptor> tools,
        String policyHash,
        Pause pause,
        String exchangeKey)
        implements Message {
    public static final String TYPE = "hello";

    public Hello {
        Messages.requireText(id, "id");
        Messages.requireText(protocol, "protocol");
        Protocol.parseMajor(protocol);
        Messages.requireText(agentVersion, "agentVersion");
        Messages.requireText(os, "os");
        Messages.requireText(arch, "arch");
        Messages.requireText(hostname, "hostname");
        tools = tools == null ? List.of() : List.copyOf(tools);
        policyHash = policyHash == null ? "" : policyHash;
        if (exchangeKey != null && exchangeKey.length() > 200) {
            throw new IllegalArgumentException("exchangeKey is at most 200 characters, got " + exchangeKey.length());
        }
    }

    /** A hello without an exchange key (an agent older than the vault's delivery). */
    public Hello(
            String id,
            String protocol,
            String agentVersion,
            String os,
            String arch,
            String hostname,
            List<ToolDescriptor> tools,
            String policyHash,
            Pause pause) {
        this(id, protocol, agentVersion, os, arch, hostname, tools, policyHash, pause, null);
    }

    /** A hello of an agent that is not paused. */
    public Hello(
            String id,
            String protocol,
            String agentVersion,
            String os,
            String arch,
            String hostname,
            List<ToolDescriptor> tools,
            String policyHash) {
        this(id, protocol, agentVersion, os, arch, hostname, tools, policyHash, null, null);
    }
}
