package io.enginex.edge.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.server.testing.TestHub;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** engine admin, users, api-keys list/revoke and audit list against a running hub. */
class AdminCommandsIT {
    @TempDir
    static Path dir;

    static TestHub hub;

    @BeforeAll
    static void start() {
        hub = TestHub.start(dir);
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    static CommandRun engine(String... args) {
        return CommandRun.withDataDir(dir, args);
    }

    static String passwordIn(CommandRun run) {
        return run.out()
                .lines()
                .filter(l -> l.startsWith("  "))
                .findFirst()
                .orElseThrow()
                .strip();
    }

    @Test
    void createOwnerMakesTheTenantAndAnOwnerWhoCanLogInAndResetPasswordReplacesIt() {
        String tenant = TestHub.randomId("adm");
        String email = tenant + "@example.com";

        var created = engine("admin", "create-owner", "--tenant", tenant, "--email", email, "--create-tenant");
        String first = passwordIn(created);
        var login = hub.api().post("/api/v1/login", null, Map.of("email", email, "password", first));
        var reset = engine("admin", "reset-password", "--tenant", tenant, "--email", email);
        String second = passwordIn(reset);
        var users = engine("users", "list", "--tenant", tenant);
        var audit = engine("audit", "list", "--tenant", tenant);

        assertThat(created.exitCode()).as(created.err()).isZero();
        assertThat(created.out()).contains("Owner " + email).contains("shown only now");
        assertThat(login.status()).isEqualTo(200);
        assertThat(reset.exitCode()).as(reset.err()).isZero();
        assertThat(second).isNotEqualTo(first);
        assertThat(hub.api()
                        .post("/api/v1/login", null, Map.of("email", email, "password", first))
                        .status())
                .isEqualTo(401);
        assertThat(users.out()).contains(email).contains("owner");
        assertThat(audit.out())
                .contains("password.reset")
                .contains("login.succeeded")
                .contains("user.created")
                .contains("tenant.created")
                .doesNotContain(first)
                .doesNotContain(second);
    }

    @Test
    void resetPasswordOfAnUnknownEmailSaysHowToFindUsers() {
        String tenant = hub.newTenant();

        var run = engine("admin", "reset-password", "--tenant", tenant, "--email", "nobody@example.com");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("no user nobody@example.com").contains("engine users list");
    }

    @Test
    void apiKeysAreListedWithoutSecretsAndRevoked() {
        String tenant = hub.newTenant();
        var created = engine("api-keys", "create", "--tenant", tenant, "--role", "viewer", "--json");
        String secret = created.out().replaceAll("(?s).*\"key\" : \"([^\"]+)\".*", "$1");
        String id = created.out().replaceAll("(?s).*\"id\" : \"([^\"]+)\".*", "$1");

        var list = engine("api-keys", "list", "--tenant", tenant);
        var revoke = engine("api-keys", "revoke", "--tenant", tenant, id);

        assertThat(list.out()).contains(id).contains("viewer").doesNotContain(secret);
        assertThat(revoke.exitCode()).as(revoke.err()).isZero();
        assertThat(hub.api().get("/api/v1/tenants/" + tenant, secret).status()).isEqualTo(401);
    }

    @Test
    void usersUpdateChangesARolesAndDisablesAndEnablesByEmailAsThePatchApi() {
        String tenant = hub.newTenant();
        String email = TestHub.randomId("worker") + "@example.com";
        var created = hub.api()
                .post(
                        "/api/v1/tenants/" + tenant + "/users",
                        hub.platformKey(),
                        Map.of("email", email, "role", "viewer", "password", TestHub.USER_PASSWORD));
        assertThat(created.status()).as(created.text()).isEqualTo(201);

        var role = engine("users", "update", "--tenant", tenant, email, "--role", "operator");
        var disable = engine("users", "update", "--tenant", tenant, email, "--disable");
        int signInWhileDisabled = hub.api()
                .post("/api/v1/login", null, Map.of("email", email, "password", TestHub.USER_PASSWORD))
                .status();
        var enable = engine("users", "update", "--tenant", tenant, email, "--enable");
        var nothing = engine("users", "update", "--tenant", tenant, email);
        var badRole = engine("users", "update", "--tenant", tenant, email, "--role", "boss");
        var nobody = engine("users", "update", "--tenant", tenant, "nobody@example.com", "--disable");
        var audit = engine("audit", "list", "--tenant", tenant);

        assertThat(role.exitCode()).as(role.err()).isZero();
        assertThat(role.out()).contains("User " + email).contains("role operator, active");
        assertThat(disable.out()).contains("disabled; their sessions ended");
        assertThat(signInWhileDisabled).isEqualTo(401);
        assertThat(enable.out()).contains("role operator, active");
        assertThat(hub.api()
                        .post("/api/v1/login", null, Map.of("email", email, "password", TestHub.USER_PASSWORD))
                        .status())
                .isEqualTo(200);
        assertThat(nothing.exitCode()).isEqualTo(2);
        assertThat(nothing.err()).contains("give --role ROLE, --disable or --enable");
        assertThat(badRole.exitCode()).isEqualTo(1);
        assertThat(badRole.err()).contains("role must be one of owner, admin, operator, viewer");
        assertThat(nobody.err()).contains("no user nobody@example.com").contains("engine users list");
        assertThat(audit.out())
                .contains("user.updated")
                .contains("user.disabled")
                .contains("user.enabled");
    }
}
