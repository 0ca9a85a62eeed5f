package io.enginex.edge.protocol;

/**
 * MCP tool annotations: hints about a tool's behaviour for a person or model choosing it. Hints, not
 * guarantees: the agent's policy is what enforces. A null field is unknown and left out of the JSON.
 *
 * @param readOnlyHint the tool does not change its environment
 * @param destructiveHint the tool may delete or overwrite (meaningful when not read-only)
 * @param idempotentHint calling again with the same arguments has no further effect
 * @param openWorldHint the tool reaches beyond the machine (network)
 */
public record ToolAnnotations(
        Boolean readOnlyHint, Boolean destructiveHint, Boolean idempotentHint, Boolean openWorldHint) {

    /** A tool that only reads local state. */
    public static final ToolAnnotations READ_ONLY = new ToolAnnotations(true, false, true, false);
}
