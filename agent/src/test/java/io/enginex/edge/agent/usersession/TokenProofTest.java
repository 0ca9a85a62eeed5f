package io.enginex.edge.agent.usersession;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.AclEntry;
import java.nio.file.attribute.AclEntryFlag;
import java.nio.file.attribute.AclFileAttributeView;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Windows proof of a session part's user ({@link TokenProof}), run here on Linux: the ACLs it asks
 * for through a fake {@link AclFileAttributeView}, and the channel through a real {@link SessionServer}
 * on a real AF_UNIX socket with the Windows proof chosen explicitly. On Windows itself it runs only in
 * the installers workflow.
 */
class TokenProofTest {
    @TempDir
    Path temp;

    private final ObjectMapper mapper = new ObjectMapper();
    private final String me = System.getProperty("user.name");
    private final Map<Path, FakeAclView> views = new ConcurrentHashMap<>();
    private final FakeLookup lookup =
            new FakeLookup(Set.of(me, "alice", "NT AUTHORITY\\SYSTEM", "BUILTIN\\Administrators"));
    private final TokenAcl acl = new TokenAcl(p -> views.computeIfAbsent(p, x -> new FakeAclView()), lookup);

    @Test
    void aTokenIsReadableByItsUserAndTheAdministratorsAloneInAFolderThatListsNothingToUsers() throws Exception {
        Path folder = temp.resolve("run/sessions");
        TokenProof proof = new TokenProof(folder, acl, new SecureRandom());

        proof.start(SessionAccess.parse("alice, ghost", "svc"));

        List<AclEntry> token = views.get(folder.resolve("alice.token")).acl;
        assertThat(token)
                .extracting(e -> e.principal().getName())
                .containsExactly("alice", "service-account", "NT AUTHORITY\\SYSTEM", "BUILTIN\\Administrators");
        assertThat(token.get(0).permissions()).isEqualTo(TokenAcl.READ);
        assertThat(token.subList(1, 4))
                .allSatisfy(e -> assertThat(e.permissions()).isEqualTo(TokenAcl.FULL));
        assertThat(token).allSatisfy(e -> assertThat(e.flags()).isEmpty());
        assertThat(views.get(folder).acl)
                .extracting(e -> e.principal().getName())
                .containsExactly("service-account", "NT AUTHORITY\\SYSTEM", "BUILTIN\\Administrators");
        assertThat(views.get(folder).acl)
                .allSatisfy(e -> assertThat(e.flags())
                        .containsExactlyInAnyOrder(AclEntryFlag.FILE_INHERIT, AclEntryFlag.DIRECTORY_INHERIT));
        assertThat(Files.readString(folder.resolve("alice.token"))).hasSize(43);
        // A folder that existed (made by service install or the MSI) keeps the ACL they gave it.
        views.remove(folder);
        new TokenProof(folder, acl, new SecureRandom()).start(SessionAccess.parse("alice", "svc"));
        assertThat(views).doesNotContainKey(folder);
        // An account the system does not know never gets a token.
        assertThat(folder.resolve("ghost.token")).doesNotExist();
    }

    @Test
    void tokensAreMadeAnewAtEachStartAndRemovedAtClose() throws Exception {
        Path folder = temp.resolve("sessions");
        TokenProof first = new TokenProof(folder, acl, new SecureRandom());
        first.start(SessionAccess.parse("alice", "svc"));
        String before = Files.readString(folder.resolve("alice.token"));
        Files.writeString(folder.resolve("bob.token"), "left from an older start");

        new TokenProof(folder, acl, new SecureRandom()).start(SessionAccess.parse("alice", "svc"));

        assertThat(Files.readString(folder.resolve("alice.token"))).isNotEqualTo(before);
        assertThat(folder.resolve("bob.token")).doesNotExist();
        first.close();
        assertThat(folder.resolve("alice.token")).doesNotExist();
    }

    @Test
    void aSessionPartWithItsUsersTokenIsWelcomedOverARealSocket() throws Exception {
        Path socket = temp.resolve("session.sock");
        SessionRegistry registry = new SessionRegistry();
        try (SessionServer server = server(socket, "alice", registry, new CopyOnWriteArrayList<>())) {
            server.start();
            SessionClient client = client(socket);
            Thread part = Thread.ofVirtual().start(() -> {
                try {
                    client.serve(() -> {});
                } catch (Exception e) {
                    // Ends when the server closes.
                }
            });

            await().until(() -> registry.connected().containsKey("alice"));
            part.interrupt();
        }
    }

    @Test
    void aWrongTokenIsRefusedAndAudited() throws Exception {
        Path socket = temp.resolve("session.sock");
        List<String> audit = new CopyOnWriteArrayList<>();
        try (SessionServer server = server(socket, "alice", new SessionRegistry(), audit)) {
            server.start();
            Files.writeString(TokenProof.tokenFile(TokenProof.folderOf(socket), "alice"), "guessed");

            assertThatThrownBy(() -> client(socket).serve(() -> {}))
                    .isInstanceOf(SessionClient.RefusedException.class)
                    .hasMessageContaining("does not carry the session token of user alice");
            assertThat(audit).anyMatch(line -> line.startsWith("session.refused alice"));
        }
    }

    @Test
    void aUserWithoutATokenIsRefusedAsNotASessionUser() throws Exception {
        Path socket = temp.resolve("session.sock");
        try (SessionServer server = server(socket, "bob", new SessionRegistry(), new CopyOnWriteArrayList<>())) {
            server.start();

            assertThat(TokenProof.tokenFile(TokenProof.folderOf(socket), "alice"))
                    .doesNotExist();
            assertThatThrownBy(() -> client(socket).serve(() -> {}))
                    .isInstanceOf(SessionClient.RefusedException.class)
                    .hasMessageContaining("user alice is not among the session users");
        }
    }

    @Test
    void withEveryoneAllowedTheFirstHelloGetsATokenMadeAndIsWelcomed() throws Exception {
        Path socket = temp.resolve("session.sock");
        SessionRegistry registry = new SessionRegistry();
        try (SessionServer server = server(socket, "*", registry, new CopyOnWriteArrayList<>())) {
            server.start();
            assertThat(TokenProof.tokenFile(TokenProof.folderOf(socket), "alice"))
                    .doesNotExist();
            SessionClient client = client(socket);
            Thread.ofVirtual().start(() -> {
                try {
                    client.serve(() -> {});
                } catch (Exception e) {
                    // Ends when the server closes.
                }
            });

            await().until(() -> registry.connected().containsKey("alice"));
            assertThat(views.get(TokenProof.tokenFile(TokenProof.folderOf(socket), "alice"))
                            .acl
                            .get(0)
                            .principal()
                            .getName())
                    .isEqualTo("alice");
        }
    }

    @Test
    void withEveryoneAllowedNoTokenIsMadeForAnUnknownAccountOrANameThatIsNotAPlainFileName() throws Exception {
        Path folder = temp.resolve("sessions");
        TokenProof proof = new TokenProof(folder, acl, new SecureRandom());
        SessionAccess everyone = SessionAccess.parse("*", "svc");
        proof.start(everyone);

        for (String name : List.of("ghost", "CON", "lpt1", "..\\alice", "../alice", ".hidden", "a/b", "")) {
            PeerProof.Claim claim =
                    proof.check(mapper.createObjectNode().put("type", "hello").put("user", name), everyone);
            assertThat(claim.refusal()).as(name).isNotNull();
            assertThat(claim.tokenFile()).as(name).isNull();
        }
        try (var files = Files.list(folder)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void theSessionPartSendsNothingToASocketNotOwnedByTheServicesAccounts() throws Exception {
        Path socket = temp.resolve("session.sock");
        try (SessionServer server = server(socket, "alice", new SessionRegistry(), new CopyOnWriteArrayList<>())) {
            server.start();
            SessionClient client = new SessionClient(
                    socket,
                    Set.of(),
                    new SessionClient.TokenSide(TokenProof.folderOf(socket), Set.of("NT AUTHORITY\\SYSTEM"), "alice"),
                    Map.of(),
                    (a, b) -> b,
                    mapper);

            assertThatThrownBy(() -> client.serve(() -> {}))
                    .isInstanceOf(SessionClient.RefusedException.class)
                    .hasMessageContaining("is owned by " + me)
                    .hasMessageContaining("nothing was sent");
        }
    }

    private SessionServer server(Path socket, String users, SessionRegistry registry, List<String> audit) {
        return new SessionServer(
                socket,
                SessionAccess.parse(users, "svc"),
                registry,
                (event, user, detail) -> audit.add(event + " " + user + " " + detail),
                mapper,
                LoginLinks.NONE,
                new TokenProof(TokenProof.folderOf(socket), acl, new SecureRandom()));
    }

    private SessionClient client(Path socket) {
        // The socket here is owned by this test's account, which stands in for SYSTEM; the session part is alice's.
        return new SessionClient(
                socket,
                Set.of(),
                new SessionClient.TokenSide(TokenProof.folderOf(socket), Set.of(me), "alice"),
                Map.of(),
                (a, b) -> b,
                mapper);
    }

    private record Named(String name) implements GroupPrincipal {
        @Override
        public String getName() {
            return name;
        }
    }

    /** Knows a fixed set of names; any other is not found, as LookupAccountName says. */
    private static final class FakeLookup extends UserPrincipalLookupService {
        private final Set<String> known;

        FakeLookup(Set<String> known) {
            this.known = known;
        }

        @Override
        public UserPrincipal lookupPrincipalByName(String name) throws IOException {
            if (!known.contains(name)) {
                throw new UserPrincipalNotFoundException(name);
            }
            return new Named(name);
        }

        @Override
        public GroupPrincipal lookupPrincipalByGroupName(String group) throws IOException {
            return (GroupPrincipal) lookupPrincipalByName(group);
        }
    }

    /** Records the ACL set on one path; the owner is the service's account. */
    private static final class FakeAclView implements AclFileAttributeView {
        volatile List<AclEntry> acl = List.of();

        @Override
        public String name() {
            return "acl";
        }

        @Override
        public List<AclEntry> getAcl() {
            return acl;
        }

        @Override
        public void setAcl(List<AclEntry> entries) {
            acl = new ArrayList<>(entries);
        }

        @Override
        public UserPrincipal getOwner() {
            return new Named("service-account");
        }

        @Override
        public void setOwner(UserPrincipal owner) {
            throw new UnsupportedOperationException();
        }
    }
}
