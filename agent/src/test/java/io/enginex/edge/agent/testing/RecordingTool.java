package io.enginex.edge.agent.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.enginex.edge.agent.tools.Tool;
import io.enginex.edge.agent.tools.ToolContext;
import io.enginex.edge.protocol.ToolDescriptor;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code test.record}: counts its calls and returns {@code {"call":n}}. With {@code {"block":true}} it
 * reports progress and then waits until released or interrupted, to test deadlines and cancel.
 */
public final class RecordingTool implements Tool {
    public static final String NAME = "test.record";

    private final AtomicInteger calls = new AtomicInteger();
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger interrupted = new AtomicInteger();

    @Override
    public ToolDescriptor descriptor() {
        try {
            return new ToolDescriptor(NAME, "Recording tool", "counts calls", new ObjectMapper().readTree("""
                    {"type":"object","properties":{"block":{"type":"boolean"}},"additionalProperties":false}
                    """), "low");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public JsonNode call(JsonNode args, ToolContext context) {
        int n = calls.incrementAndGet();
        if (args.path("block").asBoolean(false)) {
            context.progress("blocking", 0.5);
            try {
                release.await();
            } catch (InterruptedException e) {
                interrupted.incrementAndGet();
                Thread.currentThread().interrupt();
                context.checkCancelled();
            }
        }
        return JsonNodeFactory.instance.objectNode().put("call", n);
    }

    /** How often the tool ran. */
    public int calls() {
        return calls.get();
    }

    /** How often a blocked call was interrupted. */
    public int interruptions() {
        return interrupted.get();
    }

    public void release() {
        release.countDown();
    }
}
