package io.enginex.edge.agent.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged agent ({@code target/enginex-agent.jar}) runs a graph as its own process and is killed
 * with SIGKILL while a non-idempotent {@code exec} step runs; {@code graph resume} in a new process
 * then runs no finished step again (the appended file holds one line), marks the in-flight step
 * interrupted after ending the command the killed agent left running, and skips what depends on it.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class GraphCrashIT {
    private static final Path JAR = Path.of("target", "enginex-agent.jar");

    @TempDir
    Path temp;

    @Test
    void killedRunResumesWithoutRunningAnythingTwice() throws Exception {
        Path share = Files.createDirectories(temp.resolve("share"));
        Path state = temp.resolve("state");
        Path policy = policy(share);
        Path graph = temp.resolve("graph.json");
        Files.writeString(
                graph, """
                {"version":1,"name":"crash","steps":[
                  {"id":"note","tool":"fs.write","args":{"path":"log.txt","content":"${input.line}\\n","mode":"append"}},
                  {"id":"list","tool":"fs.list","args":{"path":"."},"dependsOn":["note"]},
                  {"id":"wait","tool":"exec","args":{"command":"wait","params":{"marker":"%s"}},"dependsOn":["list"]},
                  {"id":"after","tool":"fs.write","args":{"path":"after.txt","content":"x"},"dependsOn":["wait"]}
                ]}""".formatted(share.resolve("started").toString().replace("\\", "\\\\")));
        Path out = temp.resolve("run.out");
        Process run = start(
                out,
                "graph",
                "run",
                graph.toString(),
                "--input",
                "{\"line\":\"one\"}",
                "--machine-policy",
                policy.toString(),
                "--state-dir",
                state.toString(),
                "--root",
                share.toString());
        // The command has started (it made its marker): the step is in flight.
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(share.resolve("started")));
        run.destroyForcibly(); // SIGKILL: no hook, no last journal line
        assertThat(run.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String runId = runId(read(out));
        assertThat(read(out)).contains("step list: succeeded").doesNotContain("step wait: interrupted");

        Path resumed = temp.resolve("resume.out");
        Process resume = start(
                resumed,
                "graph",
                "resume",
                runId,
                "--machine-policy",
                policy.toString(),
                "--state-dir",
                state.toString(),
                "--root",
                share.toString());
        assertThat(resume.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(resume.exitValue()).as(read(resumed)).isEqualTo(1);

        assertThat(Files.readString(share.resolve("log.txt"))).isEqualTo("one\n");
        assertThat(share.resolve("after.txt")).doesNotExist();
        assertThat(read(resumed)).contains("step wait: interrupted").doesNotContain("attempt 1 started");
        JsonNode runs =
                new ObjectMapper().readTree(agentOutput("graph", "runs", "--json", "--state-dir", state.toString()));
        JsonNode steps = runs.get(0).get("steps");
        assertThat(runs.get(0).get("status").asText()).isEqualTo("interrupted");
        assertThat(steps.get("note").get("state").asText()).isEqualTo("succeeded");
        assertThat(steps.get("note").get("attempts").asInt()).isEqualTo(1);
        assertThat(steps.get("list").get("state").asText()).isEqualTo("succeeded");
        assertThat(steps.get("wait").get("state").asText()).isEqualTo("interrupted");
        assertThat(steps.get("wait").get("error").get("message").asText())
                .contains("ended the job's process tree (1 process(es) were still running)");
        assertThat(steps.get("after").get("state").asText()).isEqualTo("skipped");
        // The audit log has one line per tool call: note, list and wait ran once each.
        List<String> audit = Files.readAllLines(state.resolve("audit.jsonl"));
        assertThat(audit).filteredOn(l -> l.contains(runId + ":note:")).hasSize(1);
        assertThat(audit).filteredOn(l -> l.contains(runId + ":wait:")).hasSize(1);
    }

    /** A machine policy: write access to {@code share}, and one command that marks it started and waits. */
    private Path policy(Path share) throws IOException {
        Path file = temp.resolve("policy.json");
        String json = """
                {"version":1,"roots":[{"path":"%s","mode":"write"}],
                 "tools":["fs.list","fs.write","exec"],
                 "commands":[{"name":"wait","argv":["/bin/sh","-c","touch \\"$0\\"; exec sleep 120","{marker}"],
                              "params":{"marker":{"pattern":".+"}},"workdir":"%s","timeoutSeconds":300}]}
                """.formatted(share.toRealPath(), share.toRealPath());
        Files.writeString(file, json);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private static String runId(String out) {
        Matcher m = Pattern.compile("run (run_[0-9a-f]+) ").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        return m.group(1);
    }

    private Process start(Path stdout, String... args) throws IOException {
        return new ProcessBuilder(command(args))
                .redirectOutput(stdout.toFile())
                .redirectError(temp.resolve(stdout.getFileName() + ".err").toFile())
                .start();
    }

    private String agentOutput(String... args) throws Exception {
        Path file = temp.resolve("out-" + System.nanoTime());
        Process p = start(file, args);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return read(file);
    }

    private static List<String> command(String... args) {
        List<String> command = new ArrayList<>();
        command.add(System.getProperty(
                "enginex.java",
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.add("-jar");
        command.add(JAR.toAbsolutePath().toString());
        command.addAll(List.of(args));
        return command;
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }
}
