package io.enginex.edge.protocol;

import java.util.List;

/**
 * Which calls of a tool need a person's approval on the hub before the agent runs them (optional in
 * {@link ToolDescriptor}; added in protocol 1.0 without a version change, older peers ignore it).
 *
 * <pre>{@code
 * "approval":{"required":false,"templates":["erp-export"]}
 * }</pre>
 *
 * @param required every call of the tool needs approval
 * @param templates for {@code exec}: the command templates (its {@code command} argument) that need
 *     approval; empty otherwise
 */
public record ToolApproval(boolean required, List<String> templates) {
    public ToolApproval {
        templates = templates == null ? List.of() : List.copyOf(templates);
    }

    /** True when a call naming {@code template} (null for none) needs approval. */
    public boolean requiredFor(String template) {
        return required || (template != null && templates.contains(template));
    }
}
