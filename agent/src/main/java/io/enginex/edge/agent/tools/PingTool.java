package io.enginex.edge.agent.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.protocol.ToolDescriptor;
import java.time.Clock;

/**
 * {@code sys.ping}: touches nothing on the machine and answers at once. It proves the whole path
 * (hub → socket → journal → runner → result) works for an agent, and is the no-op tool the dispatch
 * load driver measures.
 */
public final class PingTool implements Tool {
    public static final String NAME = "sys.ping";

    private static final ToolDescriptor DESCRIPTOR = new ToolDescriptor(
            NAME,
            "Ping",
            "Answers immediately without touching the machine; echoes an optional message. Use it to check"
                    + " that an agent runs tool calls end to end.",
            Schemas.parse("{\"type\":\"object\",\"properties\":{\"message\":{\"type\":\"string\",\"maxLength\":256}},"
                    + "\"additionalProperties\":false}"),
            "low");

    private final Clock clock;

    public PingTool(Clock clock) {
        this.clock = clock;
    }

    @Override
    public ToolDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public JsonNode call(JsonNode args, ToolContext context) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("pong", true);
        out.put("at", clock.instant().toString());
        if (args.hasNonNull("message")) {
            out.put("message", args.get("message").asText());
        }
        return out;
    }
}
