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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The session part's end of the local channel: connects to the service's socket, checks from the
 * kernel's peer credentials that the listener is the service's account (anyone could otherwise
 * put a socket in its place and send actions), says hello with the session's display variables and
 * then runs the service's calls until the channel ends. On Windows ({@link TokenSide}) it checks the
 * socket file's owner instead, and proves its user with the token the service made for it.
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
    public static class RefusedException extends Exception {
        private static final long serialVersionUID = 1L;

        public RefusedException(String message) {
            super(message);
        }
    }

    /**
     * A newer session part of the same user connected and the service closed this one: it should stop,
     * not reconnect (two would push each other out for ever).
     */
    public static final class ReplacedException extends RefusedException {
        private static final long serialVersionUID = 1L;

        public ReplacedException(String message) {
            super(message);
        }
    }

    /**
     * Windows: the listener is checked by the socket file's owner (before anything is sent), and this
     * end proves its user with the token the service made for it ({@link TokenProof}).
     *
     * @param folder where the service keeps the tokens ({@code <run>\sessions})
     * @param owners the accounts that may own the socket file (SYSTEM, Administrators, the service's)
     * @param user this process's account name ({@code user.name})
     */
    public record TokenSide(Path folder, Set<String> owners, String user) {
        public TokenSide {
            owners = Set.copyOf(owners);
        }

        /** The side for the socket at {@code socket}, with the Windows service's possible owners. */
        public static TokenSide windows(Path socket) {
            return new TokenSide(
                    TokenProof.folderOf(socket),
                    Set.of("NT AUTHORITY\\SYSTEM", "BUILTIN\\Administrators", "NT SERVICE\\enginex-agent"),
                    System.getProperty("user.name"));
        }
    }

    private final Path socket;
    private final TokenSide tokens;
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
        this(socket, serviceUsers, null, env, actions, mapper);
    }

    /** @param tokens the Windows proof, or null for the kernel's (Linux, macOS) */
    public SessionClient(
            Path socket,
            Set<String> serviceUsers,
            TokenSide tokens,
            Map<String, String> env,
            Actions actions,
            ObjectMapper mapper) {
        this.tokens = tokens;
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
     * @throws RefusedException when the service refused this user or the listener is not the service;
     *     {@link ReplacedException} when a newer session part of this user took over
     */
    public void serve(Runnable connected) throws IOException, RefusedException {
        try (SocketChannel channel = open(socket, serviceUsers, tokens, mapper)) {
            ObjectNode hello = mapper.createObjectNode()
                    .put("type", "hello")
                    .put("version", LocalFrames.VERSION)
                    .put("user", System.getProperty("user.name"))
                    .put("pid", ProcessHandle.current().pid());
            ObjectNode vars = hello.putObject("env");
            env.forEach(vars::put);
            JsonNode answer = first(channel, hello, tokens, mapper);
            if (!"welcome".equals(answer.path("type").asText())) {
                throw new IOException("expected welcome from the service, got "
                        + answer.path("type").asText());
            }
            connected.run();
            while (true) {
                JsonNode frame = LocalFrames.read(channel, mapper);
                if ("call".equals(frame.path("type").asText())) {
                    Thread.ofVirtual().name("session-call").start(() -> answer(channel, frame));
                } else if ("replaced".equals(frame.path("type").asText())) {
                    throw new ReplacedException(frame.path("message").asText("another session part took over"));
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
        return loginLink(socket, serviceUsers, null, mapper);
    }

    /** As {@link #loginLink(Path, Set, ObjectMapper)}, with the Windows proof when {@code tokens} is set. */
    public static String loginLink(Path socket, Set<String> serviceUsers, TokenSide tokens, ObjectMapper mapper)
            throws IOException, RefusedException {
        try (SocketChannel channel = open(socket, serviceUsers, tokens, mapper)) {
            JsonNode answer = first(
                    channel,
                    mapper.createObjectNode().put("type", "login").put("version", LocalFrames.VERSION),
                    tokens,
                    mapper);
            String url = answer.path("url").asText("");
            if (!"login".equals(answer.path("type").asText()) || !url.startsWith("http://127.0.0.1:")) {
                throw new IOException("expected a login link from the service, got "
                        + answer.path("type").asText());
            }
            return url;
        }
    }

    /** Connects, checks that the listener is the service's account and that it accepted this user. */
    private static SocketChannel open(Path socket, Set<String> serviceUsers, TokenSide tokens, ObjectMapper mapper)
            throws IOException, RefusedException {
        if (tokens != null) {
            checkOwner(socket, tokens.owners());
        }
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
            Peer service = tokens == null ? Peer.of(channel) : null;
            if (service != null && !serviceUsers.contains(service.user())) {
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

    /**
     * Windows: the socket file must be owned by one of {@code owners} (no user can make a file in the
     * service's run folder, so a socket owned by an administrator account is the service's). Should
     * Windows not let the JDK read an AF_UNIX socket file's owner (it is a reparse point), the owner of
     * its folder is checked instead, and the guarantee rests on that folder's ACL.
     */
    static void checkOwner(Path socket, Set<String> owners) throws IOException, RefusedException {
        UserPrincipal owner;
        try {
            owner = Files.getOwner(socket, LinkOption.NOFOLLOW_LINKS);
        } catch (java.nio.file.NoSuchFileException e) {
            throw e;
        } catch (IOException e) {
            owner = Files.getOwner(socket.toAbsolutePath().getParent());
        }
        var lookup = socket.getFileSystem().getUserPrincipalLookupService();
        for (String name : owners) {
            if (owner.getName().equalsIgnoreCase(name)) {
                return;
            }
            try {
                if (owner.equals(lookup.lookupPrincipalByName(name))) {
                    return;
                }
            } catch (IOException e) {
                // Not an account of this system (a translated name, or no such service account).
            }
        }
        throw new RefusedException("the socket " + socket + " is owned by " + owner.getName()
                + ", not by the agent's service (" + String.join(", ", new TreeSet<>(owners))
                + "); nothing was sent to it");
    }

    /**
     * Sends the first frame (hello or login) and returns the service's answer. Windows: the frame names
     * this user and carries its token; when the service has just made the token ({@code session-users =
     * *}) it says so once and the frame goes again with it.
     */
    private static JsonNode first(SocketChannel channel, ObjectNode frame, TokenSide tokens, ObjectMapper mapper)
            throws IOException, RefusedException {
        if (tokens == null) {
            LocalFrames.write(channel, frame, mapper);
            return answer(channel, mapper);
        }
        String user = tokens.user();
        frame.put("user", user).put("token", token(tokens, user));
        LocalFrames.write(channel, frame, mapper);
        JsonNode answer = answer(channel, mapper);
        if ("token".equals(answer.path("type").asText())) {
            // Read from where this end expects it, not from where the frame says.
            frame.put("token", token(tokens, user));
            LocalFrames.write(channel, frame, mapper);
            answer = answer(channel, mapper);
        }
        return answer;
    }

    /** This user's token, or empty when there is none (the service then refuses, or makes one). */
    private static String token(TokenSide tokens, String user) throws IOException {
        Path file = TokenProof.tokenFile(tokens.folder(), user);
        try {
            return Files.readString(file, StandardCharsets.US_ASCII).strip();
        } catch (java.nio.file.NoSuchFileException e) {
            return "";
        } catch (java.nio.file.AccessDeniedException e) {
            throw new IOException(
                    "cannot read the session token " + file + " (it is readable by user " + user
                            + " only; is this process running as another account?)",
                    e);
        }
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
