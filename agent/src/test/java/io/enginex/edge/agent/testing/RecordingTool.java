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
 * reports progress and then waits until released or interrupted, to test deadlines and cancel. After
 * {@link #holdEnd()}, an interrupted call goes on until {@link #letEnd()}, as an {@code exec} call does
 * while its process tree ends.
 */
public final class RecordingTool implements Tool {
    public static final String NAME = "test.record";

    private final AtomicInteger calls = new AtomicInteger();
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger interrupted = new AtomicInteger();
    private final AtomicInteger ended = new AtomicInteger();
    private volatile CountDownLatch ending = new CountDownLatch(0);

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
                awaitEnding();
                ended.incrementAndGet();
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

    /** From now on an interrupted call goes on until {@link #letEnd()}. */
    public void holdEnd() {
        ending = new CountDownLatch(1);
    }

    public void letEnd() {
        ending.countDown();
    }

    /** How many interrupted calls have ended. */
    public int endedAfterInterrupt() {
        return ended.get();
    }

    private void awaitEnding() {
        boolean interruptedAgain = false;
        while (true) {
            try {
                ending.await();
                break;
            } catch (InterruptedException again) {
                interruptedAgain = true;
            }
        }
        if (interruptedAgain) {
            Thread.currentThread().interrupt();
        }
    }
}
