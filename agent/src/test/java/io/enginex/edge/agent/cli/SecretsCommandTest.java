package io.enginex.edge.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code enginex-agent secrets} in-process: values only from stdin or a file, never shown, every change audited by name. */
class SecretsCommandTest {
    private static final String VALUE = "cli-secret-9d3e77aa";

    @TempDir
    Path temp;

    private record Run(int exit, String out, String err) {}

    private Run cli(String stdin, String... args) {
        CommandLine line = AgentCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        line.setOut(new PrintWriter(out));
        line.setErr(new PrintWriter(err));
        SecretsCommand.Set set =
                line.getSubcommands().get("secrets").getSubcommands().get("set").getCommand();
        set.input = SecretInput.of(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        int exit = line.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private String state() {
        return temp.resolve("state").toString();
    }

    @Test
    void setListRemoveAndWipeNeverShowTheValueAndAreAudited() throws Exception {
        Run set = cli(VALUE + "\n", "secrets", "set", "erp-token", "--key-store", "file", "--state-dir", state());
        assertThat(set.exit()).as(set.err()).isZero();
        assertThat(set.out()).contains("Stored secret erp-token").doesNotContain(VALUE);
        assertThat(set.err()).contains("warning: the vault's key is kept in a file");

        Run list = cli("", "secrets", "list", "--state-dir", state());
        assertThat(list.out()).contains("erp-token", "never expires").doesNotContain(VALUE);

        Path file = temp.resolve("value.txt");
        Files.writeString(file, "second-" + VALUE + "\n");
        Run fromFile = cli(
                "",
                "secrets",
                "set",
                "db",
                "--from-file",
                file.toString(),
                "--expires-in",
                "8h",
                "--state-dir",
                state());
        assertThat(fromFile.exit()).as(fromFile.err()).isZero();
        assertThat(cli("", "secrets", "list", "--state-dir", state()).out()).contains("db", "expires 20");

        assertThat(cli("", "secrets", "remove", "db", "--state-dir", state()).exit())
                .isZero();
        Run again = cli("", "secrets", "remove", "db", "--state-dir", state());
        assertThat(again.exit()).isEqualTo(ExitCodes.FAILURE);
        assertThat(again.err()).contains("the vault has no secret db");

        Run wipe = cli("", "secrets", "wipe", "--state-dir", state());
        assertThat(wipe.out()).contains("Wiped the vault and its key.");
        assertThat(temp.resolve("state").resolve("vault.json")).doesNotExist();
        assertThat(temp.resolve("state").resolve("vault.key")).doesNotExist();

        String audit = Files.readString(temp.resolve("state").resolve("audit.jsonl"));
        assertThat(audit)
                .contains("\"event\":\"secret.set\",\"secret\":\"erp-token\"")
                .contains("\"event\":\"secret.removed\",\"secret\":\"db\"")
                .contains("\"event\":\"vault.wiped\"")
                .contains("\"event\":\"secrets.listed\"")
                .doesNotContain(VALUE);
        assertThat(cli("", "audit", "verify", "--state-dir", state()).exit()).isZero();
    }

    @Test
    void aValueOnTheCommandLineIsRefusedAndNothingIsStored() {
        Run run = cli("", "secrets", "set", "erp-token", VALUE, "--state-dir", state());

        assertThat(run.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("the value is never taken from the command line", "--from-file");
        assertThat(temp.resolve("state").resolve("vault.json")).doesNotExist();
    }

    @Test
    void anEmptyValueOrABadNameSaysWhatToDo() {
        Run empty = cli("\n", "secrets", "set", "erp-token", "--key-store", "file", "--state-dir", state());
        assertThat(empty.exit()).isEqualTo(ExitCodes.FAILURE);
        assertThat(empty.err()).contains("is empty; nothing was stored");

        Run badName = cli(VALUE, "secrets", "set", "a b", "--key-store", "file", "--state-dir", state());
        assertThat(badName.err()).contains("is not a secret name");
    }

    @Test
    void aVaultOthersCanReadIsRefusedWithTheFix() throws Exception {
        cli(VALUE, "secrets", "set", "erp-token", "--key-store", "file", "--state-dir", state());
        Path vault = temp.resolve("state").resolve("vault.json");
        Files.setPosixFilePermissions(vault, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-r--"));

        Run list = cli("", "secrets", "list", "--state-dir", state());

        assertThat(list.exit()).isEqualTo(ExitCodes.FAILURE);
        assertThat(list.err()).contains("error: vault file " + vault, "Fix: chmod 600 " + vault);
    }

    @Test
    void everySubcommandHasHelp() {
        for (String sub : new String[] {"set", "list", "remove", "wipe"}) {
            Run help = cli("", "secrets", sub, "--help");
            assertThat(help.exit()).isZero();
            assertThat(help.out()).contains("Usage: enginex-agent secrets " + sub, "Examples:");
        }
    }
}
