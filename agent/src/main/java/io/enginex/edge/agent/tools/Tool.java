package io.enginex.edge.agent.tools;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.protocol.ToolDescriptor;

/**
 * A local capability the hub can call, described in the shape of an MCP tool.
 *
 * <p>Implementations are thread-safe: several jobs may call the same tool at once, each on its own
 * virtual thread. A call should check {@link ToolContext#checkCancelled()} between steps of long
 * work and let {@link InterruptedException} end it: the runner interrupts the thread on cancel or
 * deadline.
 */
public interface Tool {
    /** Name, description and input schema; constant for the tool's lifetime. */
    ToolDescriptor descriptor();

    /**
     * Runs the tool. {@code args} already matches {@link ToolDescriptor#inputSchema()}.
     *
     * @return the tool's output (a JSON object)
     * @throws ToolException for failures with a typed code
     */
    JsonNode call(JsonNode args, ToolContext context);
}
