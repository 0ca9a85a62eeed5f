package io.enginex.edge.agent.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.enginex.edge.agent.tools.ToolContext;
import io.enginex.edge.agent.usersession.SessionRouter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** A {@link SessionRouter} that records what it was sent and answers with {@code answer}. */
public final class RecordingSessionRouter implements SessionRouter {
    /** One routed call. */
    public record Call(String user, String action, JsonNode args) {}

    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Function<Call, JsonNode> answer;

    public RecordingSessionRouter(Function<Call, JsonNode> answer) {
        this.answer = answer;
    }

    /** A router whose session answers every call with an empty object. */
    public RecordingSessionRouter() {
        this(call -> JsonNodeFactory.instance.objectNode());
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    @Override
    public JsonNode call(String user, String action, JsonNode args, ToolContext context) {
        Call call = new Call(user, action, args);
        calls.add(call);
        return answer.apply(call);
    }
}
