package io.enginex.edge.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.agent.vault.KeyStores;
import io.enginex.edge.agent.vault.Vault;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@EnabledOnOs({OS.LINUX, OS.MAC})
class GraphCommandTest {
    @TempDir
    Path temp;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = AgentCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    private Path file(String name, String text) throws Exception {
        return Files.writeString(temp.resolve(name), text);
    }

    @Test
    void validatePrintsTheRunOrderOrEveryProblemWithItsLine() throws Exception {
        Path good = file("good.json", """
                {"version":1,"name":"g","steps":[
                  {"id":"b","tool":"sys.ping","dependsOn":["a"]},
                  {"id":"a","tool":"sys.ping"}
                ]}""");
        assertThat(run("graph", "validate", good.toString())).isZero();
        assertThat(out.toString()).contains("valid graph \"g\", 2 step(s) in this order: a, b");

        Path bad = file("bad.json", """
                {"version":1,"name":"g","steps":[
                  {"id":"a","tool":"sys.ping","dependsOn":["b"]},
                  {"id":"b","tool":"sys.ping","dependsOn":["a"]}
                ]}""");
        assertThat(run("graph", "validate", bad.toString())).isEqualTo(ExitCodes.FAILURE);
        assertThat(err.toString()).contains("bad.json:2: /steps/0/dependsOn: the steps form a cycle");
    }

    @Test
    void runUsesTheMachinePolicyAndRunsListsEachStep() throws Exception {
        Path share = Files.createDirectories(temp.resolve("share"));
        Path policy = file(
                "policy.json",
                "{\"roots\":[{\"path\":\"" + share.toRealPath() + "\",\"mode\":\"write\"}],"
                        + "\"tools\":[\"fs.write\",\"fs.read\",\"sys.ping\"]}");
        Files.setPosixFilePermissions(policy, PosixFilePermissions.fromString("rw-------"));
        Path graph = file("g.json", """
                {"version":1,"name":"copy","steps":[
                  {"id":"write","tool":"fs.write","args":{"path":"a.txt","content":"${input.text}"}},
                  {"id":"read","tool":"fs.read","args":{"path":"a.txt"},"dependsOn":["write"]},
                  {"id":"copy","tool":"fs.write","dependsOn":["read"],
                   "args":{"path":"b.txt","content":"copy of ${steps.read.output.content}"}},
                  {"id":"never","tool":"sys.ping","when":"input.ping == true"},
                  {"id":"refused","tool":"fs.delete","args":{"path":"a.txt"},"dependsOn":["copy"]}
                ]}""");
        String state = temp.resolve("state").toString();

        int code = run(
                "graph",
                "run",
                graph.toString(),
                "--input",
                "{\"text\":\"hello\"}",
                "--machine-policy",
                policy.toString(),
                "--root",
                share.toString(),
                "--state-dir",
                state);

        assertThat(code).as(out + "" + err).isEqualTo(ExitCodes.FAILURE);
        assertThat(Files.readString(share.resolve("b.txt"))).isEqualTo("copy of hello");
        assertThat(share.resolve("a.txt")).exists();
        assertThat(out.toString())
                .contains("step write: fs.write attempt 1 started")
                .contains("step never: skipped - its condition is false: input.ping == true")
                .contains("step refused: failed (blocked_by_policy: ")
                .containsPattern("run run_[0-9a-f]{24} failed");

        out.getBuffer().setLength(0);
        assertThat(run("graph", "runs", "--state-dir", state)).isZero();
        assertThat(out.toString())
                .containsPattern("run_[0-9a-f]{24}  copy  failed  started ")
                .contains("  copy: succeeded")
                .contains("  refused: failed (blocked_by_policy)");
    }

    @Test
    void aRunWaitsForApprovalUntilThePersonAtTheMachineDecides() throws Exception {
        Path graph = file("g.json", """
                {"version":1,"name":"g","steps":[
                  {"id":"pay","tool":"sys.ping","approval":{"reason":"sends money"}},
                  {"id":"after","tool":"sys.ping","dependsOn":["pay"]}
                ]}""");
        String state = temp.resolve("state").toString();

        assertThat(run("graph", "run", graph.toString(), "--state-dir", state)).isEqualTo(ExitCodes.FAILURE);
        assertThat(out.toString())
                .containsPattern("step pay: awaiting approval - sends money")
                .containsPattern("run (run_[0-9a-f]{24}) waits for the approval of pay; decide with: enginex-agent"
                        + " graph decide run_[0-9a-f]{24} pay --approve");
        String runId = out.toString().replaceAll("(?s).*run (run_[0-9a-f]{24}) waits.*", "$1");

        out.getBuffer().setLength(0);
        assertThat(run("graph", "decide", runId, "pay", "--deny", "not today", "--state-dir", state))
                .isEqualTo(ExitCodes.FAILURE);
        assertThat(out.toString())
                .contains("step pay: failed (approval_denied: denied by local:")
                .contains(": not today)")
                .contains("step after: skipped - its dependency pay failed")
                .contains("run " + runId + " failed");
    }

    /** {@code graph run} has no service and so nobody to ask: a consentRequired step never runs silently. */
    @Test
    void aStepNeedingConsentFailsWithoutTheServiceNamingTheWayThatCanAsk() throws Exception {
        Path share = Files.createDirectories(temp.resolve("share"));
        Path policy = file(
                "policy.json",
                "{\"roots\":[{\"path\":\"" + share.toRealPath() + "\",\"mode\":\"write\"}],"
                        + "\"tools\":[\"fs.write\"],\"consentRequired\":[\"fs.write\"]}");
        Files.setPosixFilePermissions(policy, PosixFilePermissions.fromString("rw-------"));
        Path graph = file("g.json", """
                {"version":1,"name":"g","steps":[
                  {"id":"write","tool":"fs.write","args":{"path":"a.txt","content":"x"},"retry":{"maxAttempts":3}}
                ]}""");

        int code = run(
                "graph",
                "run",
                graph.toString(),
                "--machine-policy",
                policy.toString(),
                "--root",
                share.toString(),
                "--state-dir",
                temp.resolve("state").toString());

        assertThat(code).as(out + "" + err).isEqualTo(ExitCodes.FAILURE);
        assertThat(share.resolve("a.txt")).doesNotExist();
        assertThat(out.toString())
                .contains("step write: failed (no_user_session: ")
                .contains("consentRequired")
                .contains("enginex-agent graph start NAME")
                .doesNotContain("attempt 2");
    }

    /**
     * {@code graph run} has nobody to ask for a secret the tenant defined {@code use: consent} either: the
     * step fails, the secret unused, naming the way that can ask.
     */
    @Test
    void aStepUsingAConsentSecretFailsWithoutTheServiceNamingGraphStart() throws Exception {
        Path share = Files.createDirectories(temp.resolve("share"));
        Path policy = file(
                "policy.json",
                "{\"roots\":[{\"path\":\"" + share.toRealPath() + "\",\"mode\":\"read\"}],"
                        + "\"tools\":[\"http.request\"],\"network\":[\"127.0.0.1:9\"],"
                        + "\"secrets\":{\"http.request\":[\"api-token\"]}}");
        Files.setPosixFilePermissions(policy, PosixFilePermissions.fromString("rw-------"));
        Path state = temp.resolve("state");
        new Vault(
                        state,
                        KeyStores.forThisMachine(state),
                        Clock.systemUTC(),
                        new SecureRandom(),
                        new ObjectMapper(),
                        n -> {})
                .setFromHub("api-token", "Bearer c0nsent-only-5e2a", null, "consent");
        Path graph = file("g.json", """
                {"version":1,"name":"g","steps":[
                  {"id":"call","tool":"http.request","retry":{"maxAttempts":3},
                   "args":{"url":"http://127.0.0.1:9/","headers":{"Authorization":"secret:api-token"}}}
                ]}""");

        int code = run(
                "graph",
                "run",
                graph.toString(),
                "--machine-policy",
                policy.toString(),
                "--root",
                share.toString(),
                "--state-dir",
                state.toString());

        assertThat(code).as(out + "" + err).isEqualTo(ExitCodes.FAILURE);
        assertThat(out.toString())
                .contains("step call: failed (no_user_session: the secret api-token")
                .contains("use: consent")
                .contains("enginex-agent graph start NAME")
                .doesNotContain("attempt 2")
                .doesNotContain("c0nsent-only-5e2a");
    }

    @Test
    void decidingWhileTheAgentRunsPointsToTheHub() throws Exception {
        Path graph = file("g.json", """
                {"version":1,"name":"g","steps":[{"id":"pay","tool":"sys.ping","approval":{"reason":"sends money"}}]}""");
        Path state = temp.resolve("state");
        run("graph", "run", graph.toString(), "--state-dir", state.toString());
        String runId = out.toString().replaceAll("(?s).*run (run_[0-9a-f]{24}) waits.*", "$1");

        // A running agent holds the graph job journal.
        var held = io.enginex.edge.agent.journal.JobJournal.open(
                state.resolve("graphs"),
                new com.fasterxml.jackson.databind.ObjectMapper(),
                io.enginex.edge.agent.journal.JournalLimits.DEFAULT,
                java.time.Clock.systemUTC());
        try {
            assertThat(run("graph", "decide", runId, "pay", "--approve", "--state-dir", state.toString()))
                    .isEqualTo(ExitCodes.FAILURE);
        } finally {
            held.close();
        }
        assertThat(err.toString())
                .contains("another enginex-agent is already running")
                .contains("decide the step on the hub")
                .contains("engine graphs approve|deny");
    }

    @Test
    void badInputAndUnknownRunNameTheFix() throws Exception {
        Path graph = file("g.json", "{\"version\":1,\"name\":\"g\",\"steps\":[{\"id\":\"a\",\"tool\":\"sys.ping\"}]}");
        String state = temp.resolve("state").toString();

        assertThat(run("graph", "run", graph.toString(), "--input", "[1]", "--state-dir", state))
                .isEqualTo(ExitCodes.FAILURE);
        assertThat(err.toString()).contains("the input must be a JSON object");

        assertThat(run("graph", "resume", "run_0123", "--state-dir", state)).isEqualTo(ExitCodes.FAILURE);
        assertThat(err.toString()).contains("there is no run run_0123").contains("enginex-agent graph runs");
    }

    @Test
    void everyGraphCommandHasHelp() {
        for (String command : new String[] {"validate", "run", "resume", "decide", "start", "runs"}) {
            out.getBuffer().setLength(0);
            assertThat(run("graph", command, "--help")).isZero();
            assertThat(out.toString()).contains("Usage: enginex-agent graph " + command);
        }
    }
}
