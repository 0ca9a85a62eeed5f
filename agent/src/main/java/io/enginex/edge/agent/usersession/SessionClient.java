package io.enginex.edge.agent.usersession;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.agent.tools.ToolException;
import io.enginex.edge.protocol.ErrorCodes;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The session part's end of the local channel: connects to the service's socket, checks from the
 * kernel's peer credentials that the listener is the service's account (anyone could otherwise
 * put a socket in its place and send actions), says hello with the session's display variables and
 * then runs the service's calls until the channel ends.
 *
 * <p>Threads: {@link #serve} blocks its caller; each call runs on its own virtual thread, answers are
 * written one at a time.
 */
public final class SessionClient {
    /** Runs one action in the user's session. */
    @FunctionalInterface
    public interface Actions {
        /**
         * @throws ToolException with the code returned to the service
         */
        JsonNode handle(String action, JsonNode args);
    }

    /** The service refused this session part, or the listener is not the service. Retrying will not help. */
    public static final class RefusedException extends Exception {
        private static final long serialVersionUID = 1L;

        public RefusedException(String message) {
            super(message);
        }
    }

    private final Path socket;
    private final Set<String> serviceUsers;
    private final Map<String, String> env;
    private final Actions actions;
    private final ObjectMapper mapper;
    private final ReentrantLock writing = new ReentrantLock();

    /**
     * @param serviceUsers the accounts the service may run as (the listener must be one of them)
     * @param env the session variables reported in hello ({@link SessionServer#SESSION_VARIABLES})
     */
    public SessionClient(
            Path socket, Set<String> serviceUsers, Map<String, String> env, Actions actions, ObjectMapper mapper) {
        this.socket = socket;
        this.serviceUsers = Set.copyOf(serviceUsers);
        this.env = Map.copyOf(env);
        this.actions = actions;
        this.mapper = mapper;
    }

    /**
     * Connects and serves until the service closes the channel.
     *
     * @param connected told once the service welcomed this session part
     * @throws IOException when the socket cannot be reached, the channel breaks or the service closes it
     *     without a word (try again later)
     * @throws RefusedException when the service refused this user or the listener is not the service
     */
    public void serve(Runnable connected) throws IOException, RefusedException {
        try (SocketChannel channel = open(socket, serviceUsers, mapper)) {
            ObjectNode hello = mapper.createObjectNode()
                    .put("type", "hello")
                    .put("version", LocalFrames.VERSION)
                    .put("user", System.getProperty("user.name"))
                    .put("pid", ProcessHandle.current().pid());
            ObjectNode vars = hello.putObject("env");
            env.forEach(vars::put);
            LocalFrames.write(channel, hello, mapper);
            JsonNode answer = answer(channel);
            if (!"welcome".equals(answer.path("type").asText())) {
                throw new IOException("expected welcome from the service, got "
                        + answer.path("type").asText());
            }
            connected.run();
            while (true) {
                JsonNode frame = LocalFrames.read(channel, mapper);
                if ("call".equals(frame.path("type").asText())) {
                    Thread.ofVirtual().name("session-call").start(() -> answer(channel, frame));
                }
            }
        }
    }

    /**
     * Asks the service for a one-time login link to its status page, made for this process's user as
     * the kernel names it (so the page lets that user answer their own consent requests).
     *
     * @param serviceUsers the accounts the service may run as (the listener must be one of them)
     * @return the link, valid a minute, usable once
     * @throws IOException when the socket cannot be reached or the channel breaks
     * @throws RefusedException when the service refused this user (not a session user), has no page,
     *     or the listener is not the service
     */
    public static String loginLink(Path socket, Set<String> serviceUsers, ObjectMapper mapper)
            throws IOException, RefusedException {
        try (SocketChannel channel = open(socket, serviceUsers, mapper)) {
            LocalFrames.write(
                    channel,
                    mapper.createObjectNode().put("type", "login").put("version", LocalFrames.VERSION),
                    mapper);
            JsonNode answer = answer(channel, mapper);
            String url = answer.path("url").asText("");
            if (!"login".equals(answer.path("type").asText()) || !url.startsWith("http://127.0.0.1:")) {
                throw new IOException("expected a login link from the service, got "
                        + answer.path("type").asText());
            }
            return url;
        }
    }

    /** Connects, checks that the listener is the service's account and that it accepted this user. */
    private static SocketChannel open(Path socket, Set<String> serviceUsers, ObjectMapper mapper)
            throws IOException, RefusedException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
            Peer service = Peer.of(channel);
            if (!serviceUsers.contains(service.user())) {
                throw new RefusedException("the socket " + socket + " is held by user " + service.user()
                        + ", not by the agent's service (" + String.join(", ", new TreeSet<>(serviceUsers))
                        + "); nothing was sent to it");
            }
            JsonNode first = answer(channel, mapper);
            if (!"accepted".equals(first.path("type").asText())) {
                throw new IOException("expected accepted from the service, got "
                        + first.path("type").asText());
            }
            return channel;
        } catch (IOException | RefusedException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private JsonNode answer(SocketChannel channel) throws IOException, RefusedException {
        return answer(channel, mapper);
    }

    /**
     * The service's next frame; a refusal ends this session part.
     *
     * @throws IOException when the channel ends before a frame (the caller tries again later)
     */
    private static JsonNode answer(SocketChannel channel, ObjectMapper mapper) throws IOException, RefusedException {
        JsonNode frame;
        try {
            frame = LocalFrames.read(channel, mapper);
        } catch (java.io.EOFException e) {
            // A refusal always says so first; a channel that just ends is a service stopping or starting.
            throw new IOException("the service closed the channel before it answered (restarting?)", e);
        }
        if ("refused".equals(frame.path("type").asText())) {
            throw new RefusedException("the agent's service refused this session: "
                    + frame.path("message").asText());
        }
        return frame;
    }

    private void answer(SocketChannel channel, JsonNode call) {
        ObjectNode result = mapper.createObjectNode()
                .put("type", "result")
                .put("id", call.path("id").asText());
        try {
            JsonNode output = actions.handle(call.path("action").asText(), call.path("args"));
            result.put("ok", true).set("output", output);
        } catch (ToolException e) {
            result.put("ok", false).put("code", e.code()).put("message", e.getMessage());
        } catch (RuntimeException e) {
            result.put("ok", false).put("code", ErrorCodes.INTERNAL).put("message", String.valueOf(e.getMessage()));
        }
        writing.lock();
        try {
            LocalFrames.write(channel, result, mapper);
        } catch (IOException e) {
            // The channel is gone; serve() notices on its next read.
        } finally {
            writing.unlock();
        }
    }
}
