package io.enginex.edge.agent.usersession;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.agent.tools.ToolContext;
import io.enginex.edge.agent.tools.ToolException;
import io.enginex.edge.protocol.ErrorCodes;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The local channel over a real Unix socket with real accounts: two users are created for the test
 * (and deleted after it), and a small client runs as each of them ({@code setpriv}), so the uid the
 * service sees comes from the kernel. Needs root (CI runs the build as root); skipped otherwise.
 */
@Timeout(60)
class SessionChannelIT {
    /**
     * A session part in Python: hello, print the answer, then answer every call with its own uid; or, as
     * {@code enginex-agent ui} does, ask for a login link and print the answer.
     */
    private static final String CLIENT = """
            import json, os, socket, struct, sys
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(sys.argv[1])
            def send(o):
                b = json.dumps(o).encode()
                s.sendall(struct.pack('>I', len(b)) + b)
            def exactly(n):
                b = b''
                while len(b) < n:
                    c = s.recv(n - len(b))
                    if not c:
                        return None
                    b += c
                return b
            def recv():
                h = exactly(4)
                return None if h is None else json.loads(exactly(struct.unpack('>I', h)[0]))
            first = recv()
            if first['type'] != 'accepted':
                print(json.dumps(first), flush=True)
                sys.exit(0)
            if sys.argv[3] == 'login':
                send({'type': 'login', 'version': 1})
                print(json.dumps(recv()), flush=True)
                sys.exit(0)
            send({'type': 'hello', 'version': 1, 'user': sys.argv[2], 'pid': os.getpid(),
                  'env': {'DISPLAY': ':42', 'HOME': '/not/reported'}})
            print(json.dumps(recv()), flush=True)
            while True:
                call = recv()
                if call is None:
                    break
                send({'type': 'result', 'id': call['id'], 'ok': True,
                      'output': {'uid': os.getuid(), 'action': call['action']}})
            """;

    private static String allowed;
    private static String stranger;
    private static Path dir;

    private final ObjectMapper mapper = new ObjectMapper();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final List<String> linksMade = new CopyOnWriteArrayList<>();
    private final List<Process> clients = new ArrayList<>();
    private SessionRegistry registry;
    private SessionServer server;

    @BeforeAll
    static void accounts() throws Exception {
        assumeTrue(
                "root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/usr/sbin/useradd")),
                "creating test accounts needs root and useradd");
        String suffix = Integer.toString(ThreadLocalRandom.current().nextInt(10_000, 99_999));
        allowed = "exs-ok-" + suffix;
        stranger = "exs-no-" + suffix;
        for (String user : List.of(allowed, stranger)) {
            run("useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", user);
        }
        dir = Files.createTempDirectory(
                Path.of("/tmp"),
                "exs-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx--x--x")));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
    }

    @AfterAll
    static void removeAccounts() throws Exception {
        for (String user : new String[] {allowed, stranger}) {
            if (user != null) {
                run("userdel", user);
            }
        }
        if (dir != null) {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    @BeforeEach
    void listen() throws IOException {
        registry = new SessionRegistry();
        server = new SessionServer(
                dir.resolve("session.sock"),
                SessionAccess.parse(allowed, "root"),
                registry,
                (event, user, detail) -> events.add(event + " " + user + " " + detail),
                mapper,
                user -> {
                    linksMade.add(user);
                    return java.util.Optional.of("http://127.0.0.1:9/login?code=for-" + user);
                });
        server.start();
    }

    @AfterEach
    void stop() {
        clients.forEach(Process::destroyForcibly);
        server.close();
    }

    @Test
    void theKernelsUidIsWhoTheSessionIsAndCallsReachThatProcess() throws Exception {
        Client client = connect(allowed, allowed);

        assertThat(client.firstLine().path("type").asText()).isEqualTo("welcome");
        await().atMost(Duration.ofSeconds(10)).until(() -> registry.connected().containsKey(allowed));
        assertThat(registry.connected().get(allowed).env())
                .containsEntry("DISPLAY", ":42")
                .doesNotContainKey("HOME");

        JsonNode output = registry.call(null, "notify", mapper.createObjectNode(), context());

        assertThat(output.path("uid").asLong()).isEqualTo(uid(allowed)).isNotZero();
        assertThat(output.path("user").asText()).isEqualTo(allowed);
        assertThat(events).anyMatch(e -> e.startsWith("session.connected " + allowed));

        client.process().destroyForcibly().waitFor();
        await().atMost(Duration.ofSeconds(10)).until(() -> registry.connected().isEmpty());
        assertThatThrownBy(() -> registry.call(allowed, "notify", mapper.createObjectNode(), context()))
                .isInstanceOfSatisfying(ToolException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCodes.NO_USER_SESSION);
                    assertThat(e.getMessage()).contains(allowed + " is not signed in");
                });
    }

    @Test
    void anotherUidIsRefusedAndNeverRegistered() throws Exception {
        Client client = connect(stranger, stranger);

        JsonNode answer = client.firstLine();

        assertThat(answer.path("type").asText()).isEqualTo("refused");
        assertThat(answer.path("message").asText())
                .contains("user " + stranger + " is not among the session users")
                .contains("session-users");
        assertThat(registry.connected()).isEmpty();
        assertThat(events).anyMatch(e -> e.startsWith("session.refused " + stranger));
    }

    @Test
    void aHelloClaimingAnotherUserIsRefused() throws Exception {
        Client client = connect(stranger, allowed);

        JsonNode answer = client.firstLine();

        assertThat(answer.path("type").asText()).isEqualTo("refused");
        assertThat(registry.connected()).isEmpty();

        Client claiming = connect(allowed, "root");
        assertThat(claiming.firstLine().path("message").asText())
                .contains("names user root but the connection is " + allowed + "'s");
        assertThat(registry.connected()).isEmpty();
    }

    @Test
    void aLoginRequestGetsALinkMadeForTheKernelsUserAndNeverRegistersASession() throws Exception {
        JsonNode answer = connect(allowed, "login").firstLine();

        assertThat(answer.path("type").asText()).as(answer.toString()).isEqualTo("login");
        assertThat(answer.path("user").asText()).isEqualTo(allowed);
        assertThat(answer.path("url").asText()).isEqualTo("http://127.0.0.1:9/login?code=for-" + allowed);
        assertThat(linksMade).containsExactly(allowed);
        assertThat(registry.connected()).isEmpty();
        assertThat(events).anyMatch(e -> e.startsWith("session.login " + allowed));
    }

    @Test
    void aLoginRequestFromAnAccountThatIsNotASessionUserGetsNoLink() throws Exception {
        JsonNode answer = connect(stranger, "login").firstLine();

        assertThat(answer.path("type").asText()).isEqualTo("refused");
        assertThat(answer.path("message").asText()).contains("not among the session users");
        assertThat(linksMade).isEmpty();
    }

    private record Client(Process process, BufferedReader out) {
        JsonNode firstLine() throws IOException {
            String line = out.readLine();
            if (line == null) {
                throw new AssertionError("the client printed nothing; stderr: "
                        + new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
            }
            return new ObjectMapper().readTree(line);
        }
    }

    /** Runs the Python client as {@code asUser}; {@code claimed} is the hello's user, or {@code login}. */
    private Client connect(String asUser, String claimed) throws IOException {
        Process process = new ProcessBuilder(
                        // setpriv execs the client itself (runuser would wait in a parent), so stopping the process
                        // ends the session part.
                        "setpriv",
                        "--reuid=" + asUser,
                        "--regid=" + asUser,
                        "--clear-groups",
                        "/usr/bin/python3",
                        "-c",
                        CLIENT,
                        dir.resolve("session.sock").toString(),
                        claimed,
                        claimed.equals("login") ? "login" : "hello")
                .start();
        clients.add(process);
        return new Client(
                process, new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)));
    }

    private static ToolContext context() {
        return ToolContext.detached("job-1", Clock.systemUTC().instant().plusSeconds(20), Clock.systemUTC());
    }

    private static long uid(String user) throws Exception {
        Process id = new ProcessBuilder("id", "-u", user).start();
        String out = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        id.waitFor();
        return Long.parseLong(out);
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
    }
}
