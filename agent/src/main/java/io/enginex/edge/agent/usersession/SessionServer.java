package io.enginex.edge.agent.usersession;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's end of the local channel: listens on a Unix domain socket that every local account
 * may connect to (mode 0666), and decides per connection, from the kernel's peer credentials, whether
 * the peer is a session user ({@link SessionAccess}). What the peer says about itself never counts: a
 * hello naming another user is refused. On Windows, where the JDK has no peer credentials, the first
 * frame must carry the token of the user it names instead ({@link TokenProof}; see {@link PeerProof}).
 *
 * <p>Instead of a hello, a peer may ask once for a login link to the status page ({@code enginex-agent
 * ui} does): the link is made for the user the kernel names, and its session is verified, so it may
 * answer that user's consent requests. The connection then ends.
 *
 * <p>Threads: one virtual thread accepts, one virtual thread per connection reads; {@link #close}
 * from any thread.
 */
public final class SessionServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SessionServer.class);

    /** The variables of the user's session the session part reports (nothing else is kept). */
    public static final List<String> SESSION_VARIABLES =
            List.of("DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR", "XDG_SESSION_TYPE");

    /** Receives what happened on the channel, for the audit log. Never throws. */
    @FunctionalInterface
    public interface Events {
        /**
         * @param event {@code session.connected}, {@code session.disconnected} or {@code session.refused}
         * @param user the peer's user as the kernel says
         */
        void record(String event, String user, String detail);
    }

    /** A server that never listens, for an agent that takes no session parts. */
    public static final SessionServer NONE =
            new SessionServer(null, null, null, null, null, LoginLinks.NONE, KernelProof.INSTANCE);

    private final Path socket;
    private final SessionAccess access;
    private final SessionRegistry registry;
    private final Events events;
    private final ObjectMapper mapper;
    private final LoginLinks loginLinks;
    private final PeerProof proof;
    private ServerSocketChannel server;

    /** A server that makes no login links. */
    public SessionServer(
            Path socket, SessionAccess access, SessionRegistry registry, Events events, ObjectMapper mapper) {
        this(socket, access, registry, events, mapper, LoginLinks.NONE);
    }

    /** @param loginLinks makes the status page's links asked for on the channel */
    public SessionServer(
            Path socket,
            SessionAccess access,
            SessionRegistry registry,
            Events events,
            ObjectMapper mapper,
            LoginLinks loginLinks) {
        this(socket, access, registry, events, mapper, loginLinks, KernelProof.INSTANCE);
    }

    /**
     * @param proof how a peer's user is proven: {@link KernelProof} on Linux and macOS, {@link TokenProof}
     *     on Windows
     */
    public SessionServer(
            Path socket,
            SessionAccess access,
            SessionRegistry registry,
            Events events,
            ObjectMapper mapper,
            LoginLinks loginLinks,
            PeerProof proof) {
        this.proof = proof;
        this.loginLinks = loginLinks;
        this.socket = socket;
        this.access = access;
        this.registry = registry;
        this.events = events;
        this.mapper = mapper;
    }

    /** The socket's path. */
    public Path socket() {
        return socket;
    }

    /**
     * Binds the socket (replacing a stale one a crashed agent left) and starts accepting.
     *
     * @throws IOException when the folder is missing or not writable, or another live agent holds it
     */
    public void start() throws IOException {
        if (Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            if (!Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    .isOther()) {
                throw new IOException(
                        socket + " exists and is not a socket; remove it or choose another --session-socket");
            }
            Files.delete(socket);
        }
        proof.start(access);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        proof.listening(socket);
        Thread.ofVirtual().name("session-accept").start(this::acceptLoop);
        log.atInfo().addKeyValue("socket", socket).log("listening for user session parts");
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel channel = server.accept();
                Thread.ofVirtual().name("session-link").start(() -> serve(channel));
            } catch (IOException e) {
                if (server.isOpen()) {
                    log.atWarn().log("accepting a session part failed: " + e.getMessage());
                }
            }
        }
    }

    private void serve(SocketChannel channel) {
        String user = "unknown";
        try {
            Optional<String> named = proof.atConnect(channel);
            JsonNode hello;
            if (named.isPresent()) {
                user = named.get();
                String refusal = access.refusal(user);
                if (refusal != null) {
                    refuse(channel, user, refusal);
                    return;
                }
                // The service speaks first, so a refused peer learns why before it has sent anything.
                LocalFrames.write(
                        channel,
                        mapper.createObjectNode().put("type", "accepted").put("user", user),
                        mapper);
                hello = LocalFrames.read(channel, mapper);
            } else {
                // The peer proves its user in its first frame (Windows: the token only that user reads).
                LocalFrames.write(
                        channel,
                        mapper.createObjectNode().put("type", "accepted").put("proof", "token"),
                        mapper);
                hello = LocalFrames.read(channel, mapper);
                PeerProof.Claim claim = proof.check(hello, access);
                if (claim.tokenFile() != null) {
                    LocalFrames.write(
                            channel,
                            mapper.createObjectNode()
                                    .put("type", "token")
                                    .put("file", claim.tokenFile().toString()),
                            mapper);
                    hello = LocalFrames.read(channel, mapper);
                    claim = proof.check(hello, access);
                }
                user = claim.user();
                if (claim.refusal() != null || claim.tokenFile() != null) {
                    refuse(channel, user, claim.refusal() != null ? claim.refusal() : "a second token request");
                    return;
                }
            }
            if ("login".equals(hello.path("type").asText())) {
                login(channel, user);
                return;
            }
            // Windows: the proof already bound the frame to the user it names (in any case of letters).
            String claimed = named.isPresent() ? hello.path("user").asText(user) : user;
            if (!"hello".equals(hello.path("type").asText())
                    || hello.path("version").asInt() != LocalFrames.VERSION) {
                refuse(channel, user, "expected a hello of local channel version " + LocalFrames.VERSION);
                return;
            }
            if (!claimed.equals(user)) {
                refuse(channel, user, "the hello names user " + claimed + " but the connection is " + user + "'s");
                return;
            }
            Map<String, String> env = new LinkedHashMap<>();
            for (String name : SESSION_VARIABLES) {
                JsonNode value = hello.path("env").path(name);
                if (value.isTextual()
                        && value.asText().length() <= 1024
                        && value.asText().indexOf('\0') < 0) {
                    env.put(name, value.asText());
                }
            }
            UserSession session =
                    new UserSession(user, hello.path("pid").asLong(), env, channel, mapper, registry.now());
            session.send(mapper.createObjectNode().put("type", "welcome").put("user", user));
            registry.register(session).ifPresent(older -> older.replacedBy(session));
            events.record("session.connected", user, "pid " + session.pid() + " " + env.keySet());
            log.atInfo()
                    .addKeyValue("user", user)
                    .addKeyValue("env", env.keySet())
                    .log("user session connected");
            session.readLoop();
            registry.remove(session);
            events.record("session.disconnected", user, "pid " + session.pid());
            log.atInfo().addKeyValue("user", user).log("user session disconnected");
        } catch (IOException e) {
            log.atDebug().addKeyValue("user", user).log("session link ended: " + e.getMessage());
            close(channel);
        }
    }

    /** Answers a login request with a link verified as {@code user}, the kernel's name for the peer. */
    private void login(SocketChannel channel, String user) throws IOException {
        Optional<String> link = loginLinks.verified(user);
        if (link.isEmpty()) {
            refuse(channel, user, "this agent serves no status page (it was started with --no-ui)");
            return;
        }
        events.record("session.login", user, "a login link for the status page");
        log.atInfo().addKeyValue("user", user).log("made a status page login link for a session user");
        try (channel) {
            LocalFrames.write(
                    channel,
                    mapper.createObjectNode()
                            .put("type", "login")
                            .put("user", user)
                            .put("url", link.get()),
                    mapper);
        }
    }

    private void refuse(SocketChannel channel, String user, String reason) {
        events.record("session.refused", user, reason);
        log.atWarn().addKeyValue("user", user).log("session part refused: " + reason);
        try {
            LocalFrames.write(
                    channel, mapper.createObjectNode().put("type", "refused").put("message", reason), mapper);
        } catch (IOException e) {
            // It may have gone already; it is refused either way.
        }
        close(channel);
    }

    private static void close(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // Best effort.
        }
    }

    /** Stops accepting, closes every session and removes the socket. */
    @Override
    public void close() {
        if (socket == null) {
            return;
        }
        try {
            if (server != null) {
                server.close();
            }
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            log.atDebug().log("closing the session socket: " + e.getMessage());
        }
        proof.close();
        registry.closeAll();
    }
}
