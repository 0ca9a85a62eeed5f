package io.enginex.edge.agent.usersession;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.agent.tools.ToolContext;
import io.enginex.edge.agent.tools.ToolException;
import io.enginex.edge.protocol.ErrorCodes;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both ends of the local channel in one process (one account): the session part will not talk to a
 * socket another account holds, the service will not take a session of its own account, and a job
 * for nobody's session gets {@code no_user_session}. Other accounts: {@link SessionChannelIT}.
 */
class SessionLinkTest {
    @TempDir
    Path temp;

    private final ObjectMapper mapper = new ObjectMapper();
    private final String me = System.getProperty("user.name");

    @Test
    void theSessionPartRefusesASocketHeldByAnAccountThatIsNotTheService() throws Exception {
        try (SessionServer server = new SessionServer(
                temp.resolve("s.sock"),
                SessionAccess.parse("*", "svc"),
                new SessionRegistry(),
                (a, b, c) -> {},
                mapper)) {
            server.start();
            SessionClient client =
                    new SessionClient(temp.resolve("s.sock"), Set.of("enginex-agent"), Map.of(), (a, b) -> b, mapper);

            assertThatThrownBy(() -> client.serve(() -> {}))
                    .isInstanceOf(SessionClient.RefusedException.class)
                    .hasMessageContaining("held by user " + me)
                    .hasMessageContaining("nothing was sent");
        }
    }

    @Test
    void theMacLayoutsSocketUnderAFolderWithSpacesCarriesTheChannel() throws Exception {
        // As on a Mac: <base>/run/session.sock, where <base> is "/Library/Application Support/EngineX Agent".
        Path socket = java.nio.file.Files.createDirectories(
                        temp.resolve("Library/Application Support/EngineX Agent/run"))
                .resolve("session.sock");
        try (SessionServer server = new SessionServer(
                socket, SessionAccess.parse("*", me), new SessionRegistry(), (a, b, c) -> {}, mapper)) {
            server.start();
            SessionClient client = new SessionClient(socket, Set.of(me), Map.of(), (a, b) -> b, mapper);

            // The service's answer arrived: both ends read each other's peer credentials over that path.
            assertThatThrownBy(() -> client.serve(() -> {}))
                    .isInstanceOf(SessionClient.RefusedException.class)
                    .hasMessageContaining("the account " + me + " cannot run a user session part");
        }
    }

    @Test
    void aServiceThatClosesWithoutAWordIsTriedAgainNotTakenForARefusal() throws Exception {
        Path socket = temp.resolve("q.sock");
        try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            listener.bind(UnixDomainSocketAddress.of(socket));
            Thread.ofVirtual().start(() -> {
                try {
                    // A service going down: it accepts, then closes without a frame.
                    listener.accept().close();
                } catch (java.io.IOException e) {
                    // The test fails on the client's side if this happens.
                }
            });
            SessionClient client = new SessionClient(socket, Set.of(me), Map.of(), (a, b) -> b, mapper);

            assertThatThrownBy(() -> client.serve(() -> {}))
                    .isInstanceOf(java.io.IOException.class)
                    .hasMessageContaining("closed the channel before it answered");
        }
    }

    @Test
    void theServiceRefusesASessionOfItsOwnAccount() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        SessionRegistry registry = new SessionRegistry();
        try (SessionServer server = new SessionServer(
                temp.resolve("s.sock"),
                SessionAccess.parse(me, me),
                registry,
                (event, user, detail) -> events.add(event + " " + user),
                mapper)) {
            server.start();
            SessionClient client = new SessionClient(temp.resolve("s.sock"), Set.of(me), Map.of(), (a, b) -> b, mapper);

            assertThatThrownBy(() -> client.serve(() -> {}))
                    .isInstanceOf(SessionClient.RefusedException.class)
                    .hasMessageContaining("cannot run a user session part");
            assertThat(events).containsExactly("session.refused " + me);
            assertThat(registry.connected()).isEmpty();
        }
    }

    @Test
    void aJobForNobodysSessionGetsNoUserSession() {
        SessionRegistry registry = new SessionRegistry();
        ToolContext context =
                ToolContext.detached("j", Clock.systemUTC().instant().plusSeconds(5), Clock.systemUTC());

        assertThatThrownBy(() -> registry.call(null, "notify", mapper.createObjectNode(), context))
                .isInstanceOfSatisfying(ToolException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCodes.NO_USER_SESSION);
                    assertThat(e.getMessage()).contains("no user is signed in").contains("enginex-agent session");
                });
        assertThatThrownBy(() -> registry.call("alice", "notify", mapper.createObjectNode(), context))
                .isInstanceOfSatisfying(
                        ToolException.class,
                        e -> assertThat(e.getMessage())
                                .contains("user alice is not signed in")
                                .contains("connected: nobody"));
    }

    @Test
    void sessionUsersAreNamedOrStarButNeverRootOrTheServiceItself() {
        SessionAccess named = SessionAccess.parse(" alice, bob ,", "enginex-agent");
        assertThat(named.refusal("alice")).isNull();
        assertThat(named.refusal("carol"))
                .contains("not among the session users")
                .contains("alice, bob");
        SessionAccess anyone = SessionAccess.parse("*", "enginex-agent");
        assertThat(anyone.refusal("carol")).isNull();
        assertThat(anyone.refusal("root")).isNotNull();
        assertThat(anyone.refusal("enginex-agent")).isNotNull();
        assertThat(SessionAccess.parse(null, "x").refusal("alice")).contains("(none)");
    }
}
