package io.enginex.edge.protocol;

import java.util.List;

/**
 * Hub → agent, answer to {@link Hello}: the version both speak and the heartbeat the hub chose.
 *
 * <p>Either side treats a peer it has heard nothing from for {@code 2 × heartbeatMillis} as dead.
 *
 * <pre>{@code
 * {"type":"welcome","id":"h-1","protocol":"1.0","agentId":"agt_…","tenant":"acme",
 *  "heartbeatMillis":15000,"hubNode":"hub-1","tenantPolicies":[]}
 * }</pre>
 *
 * @param tenantPolicies the tenant policies that apply to this agent (optional, added in protocol
 *     1.0 without a version change): null from a hub that does not know tenant policies, empty when
 *     none applies. When present the agent intersects them with its machine policy and answers with
 *     {@link Advertise}; later changes come as {@link PolicyUpdate}.
 * @param updatePin the tenant's update pin (optional, added without a version change): null from a hub
 *     that does not know pins, {@link UpdatePin#NONE} ({@code {}}) when the tenant pins nothing; later
 *     changes come as {@link ReleaseNotice}
 * @param graphs the graphs assigned to this agent (optional, added without a version change): null
 *     from a hub that does not know graphs; later changes come in {@link PolicyUpdate#graphs()}
 */
public record Welcome(
        String id,
        String protocol,
        String agentId,
        String tenant,
        long heartbeatMillis,
        String hubNode,
        List<TenantPolicy> tenantPolicies,
        UpdatePin updatePin,
        AssignedGraphs graphs)
        implements Message {
    public static final String TYPE = "welcome";

    public Welcome {
        Messages.requireText(id, "id");
        Messages.requireText(protocol, "protocol");
        Protocol.parseMajor(protocol);
        Messages.requireText(agentId, "agentId");
        Messages.requireText(tenant, "tenant");
        if (heartbeatMillis < 100 || heartbeatMillis > 600_000) {
            throw new IllegalArgumentException(
                    "heartbeatMillis must be between 100 and 600000, got " + heartbeatMillis);
        }
        hubNode = hubNode == null ? "" : hubNode;
        tenantPolicies = tenantPolicies == null ? null : List.copyOf(tenantPolicies);
    }

    /** A welcome from a hub that sends no graphs (as hubs before graphs did). */
    public Welcome(
            String id,
            String protocol,
            String agentId,
            String tenant,
            long heartbeatMillis,
            String hubNode,
            List<TenantPolicy> tenantPolicies,
            UpdatePin updatePin) {
        this(id, protocol, agentId, tenant, heartbeatMillis, hubNode, tenantPolicies, updatePin, null);
    }

    /** A welcome from a hub that sends no update pin (as hubs before pins did). */
    public Welcome(
            String id,
            String protocol,
            String agentId,
            String tenant,
            long heartbeatMillis,
            String hubNode,
            List<TenantPolicy> tenantPolicies) {
        this(id, protocol, agentId, tenant, heartbeatMillis, hubNode, tenantPolicies, null, null);
    }

    /** A welcome from a hub that sends no tenant policies (as hubs before tenant policies did). */
    public Welcome(String id, String protocol, String agentId, String tenant, long heartbeatMillis, String hubNode) {
        this(id, protocol, agentId, tenant, heartbeatMillis, hubNode, null, null, null);
    }
}
