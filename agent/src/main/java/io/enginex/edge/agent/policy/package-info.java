/**
 * What this agent may do: the machine policy (a file only the machine's administrator can write,
 * {@link io.enginex.edge.agent.policy.PolicyFile}), an optional tenant policy from the hub, and their
 * intersection, the {@link io.enginex.edge.agent.policy.Policy} the sandbox and tools enforce. The
 * machine can only narrow; what no rule grants is denied. Reference: docs/POLICY.md.
 */
package io.enginex.edge.agent.policy;
