package io.enginex.edge.agent.usersession;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.agent.tools.ToolContext;
import io.enginex.edge.agent.tools.ToolException;
import io.enginex.edge.protocol.ErrorCodes;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One connected session part, on the service's side: the user the kernel vouched for, the display
 * variables the session reported, and the calls waiting for its answers.
 *
 * <p>Thread-safe: any job thread may {@link #call}; one reader thread runs {@link #readLoop}.
 */
public final class UserSession {
    private final String user;
    private final long pid;
    private final Map<String, String> env;
    private final SocketChannel channel;
    private final ObjectMapper mapper;
    private final ReentrantLock writing = new ReentrantLock();
    private final Map<String, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final java.time.Instant since;
    private volatile boolean closed;

    UserSession(
            String user,
            long pid,
            Map<String, String> env,
            SocketChannel channel,
            ObjectMapper mapper,
            java.time.Instant since) {
        this.user = user;
        this.since = since;
        this.pid = pid;
        this.env = Map.copyOf(env);
        this.channel = channel;
        this.mapper = mapper;
    }

    /** The user the kernel says runs this session part. */
    public String user() {
        return user;
    }

    /** The session part's process id, as it reported it (for people reading the status). */
    public long pid() {
        return pid;
    }

    /** When it connected to the service. */
    public java.time.Instant since() {
        return since;
    }

    /** What the hub is told of it: the user, {@code XDG_SESSION_TYPE}, since when; no other variable. */
    public io.enginex.edge.protocol.SessionPart part() {
        return new io.enginex.edge.protocol.SessionPart(user, env.get("XDG_SESSION_TYPE"), since);
    }

    /** DISPLAY, WAYLAND_DISPLAY, DBUS_SESSION_BUS_ADDRESS, … as the session part reported them. */
    public Map<String, String> env() {
        return env;
    }

    /**
     * Sends {@code action} and waits for the answer until the job's deadline.
     *
     * @throws ToolException the session's error, {@code tool_failed} when the session went away,
     *     {@code deadline_exceeded} or {@code cancelled}
     */
    JsonNode call(String action, JsonNode args, ToolContext context) {
        String id = Long.toString(ids.incrementAndGet());
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        try {
            ObjectNode frame = mapper.createObjectNode()
                    .put("type", "call")
                    .put("id", id)
                    .put("action", action)
                    .put("jobId", context.jobId());
            frame.set("args", args);
            send(frame);
            Duration left = Duration.between(context.clock().instant(), context.deadline());
            JsonNode result = answer.get(Math.max(1, left.toMillis()), TimeUnit.MILLISECONDS);
            if (result.path("ok").asBoolean(false)) {
                return result.path("output");
            }
            throw new ToolException(
                    result.path("code").asText(ErrorCodes.TOOL_FAILED),
                    result.path("message").asText("the session part of " + user + " gave no reason"));
        } catch (IOException e) {
            throw new ToolException(
                    ErrorCodes.TOOL_FAILED,
                    "cannot reach the session part of " + user + " (" + e.getMessage() + "); is it still running?");
        } catch (TimeoutException e) {
            throw new ToolException(
                    ErrorCodes.DEADLINE_EXCEEDED,
                    "the session part of " + user + " did not answer " + action + " before the job's deadline");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolException(ErrorCodes.CANCELLED, "job " + context.jobId() + " was stopped");
        } catch (ExecutionException e) {
            throw new ToolException(ErrorCodes.TOOL_FAILED, e.getCause().getMessage());
        } finally {
            pending.remove(id);
        }
    }

    void send(JsonNode frame) throws IOException {
        writing.lock();
        try {
            LocalFrames.write(channel, frame, mapper);
        } finally {
            writing.unlock();
        }
    }

    /**
     * Tells this session part that a newer one of the same user took its place (it then stops rather
     * than reconnect and push the newer one out in turn), and closes it.
     */
    void replacedBy(UserSession newer) {
        try {
            send(mapper.createObjectNode()
                    .put("type", "replaced")
                    .put("pid", newer.pid())
                    .put(
                            "message",
                            "another session part of " + user + " (pid " + newer.pid() + ") connected and took over"));
        } catch (IOException e) {
            // Gone already: closing is all that is left.
        }
        close();
    }

    /** Reads answers until the channel ends; then fails every call still waiting. */
    void readLoop() {
        try {
            while (!closed) {
                JsonNode frame = LocalFrames.read(channel, mapper);
                if ("result".equals(frame.path("type").asText())) {
                    CompletableFuture<JsonNode> waiting =
                            pending.get(frame.path("id").asText());
                    if (waiting != null) {
                        waiting.complete(frame);
                    }
                }
            }
        } catch (IOException e) {
            // The session part stopped (logout) or sent garbage: either way this link is over.
        } finally {
            close();
        }
    }

    /** Closes the channel; calls still waiting fail with {@code tool_failed}. Idempotent. */
    void close() {
        closed = true;
        try {
            channel.close();
        } catch (IOException e) {
            // Closing is best effort.
        }
        IOException gone = new IOException(
                "the session part of " + user + " disconnected before it answered (did the user sign out?)");
        pending.values().forEach(f -> f.completeExceptionally(gone));
    }

    boolean isOpen() {
        return !closed && channel.isOpen();
    }
}
