package io.enginex.edge.agent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.agent.audit.AuditChainCheck;
import io.enginex.edge.agent.audit.AuditLog;
import io.enginex.edge.protocol.MessageCodec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code enginex-agent audit}: the local audit log of tool invocations. */
@Command(
        name = "audit",
        mixinStandardHelpOptions = true,
        description = "The local audit log (audit.jsonl in the state directory): one line per tool invocation.",
        subcommands = {AuditCommand.Verify.class},
        footerHeading = "%nExamples:%n",
        footer = {"  enginex-agent audit verify", "  sudo enginex-agent audit verify --state-dir /var/lib/enginex-agent"
        })
final class AuditCommand {
    @Command(
            name = "verify",
            mixinStandardHelpOptions = true,
            description = {
                "Checks the hash chain of the local audit log: every line carries the hash of the line before it,"
                        + " so a line that was edited, deleted or reordered breaks the chain. Prints how many lines"
                        + " verify, or the FIRST broken line (file, line number, time, what differs). A line cut off"
                        + " by a crash is reported as truncated, not as tampering.",
                "Exit code 0 when the chain verifies, 1 when it is broken."
            },
            footerHeading = "%nExamples:%n",
            footer = {
                "  enginex-agent audit verify",
                "  sudo enginex-agent audit verify --state-dir /var/lib/enginex-agent --json"
            })
    static final class Verify implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(
                names = "--state-dir",
                paramLabel = "DIR",
                description = "The agent's state directory (default: $ENGINEX_AGENT_STATE_DIR, else the per-user"
                        + " state folder of this OS).")
        Path stateDir;

        @Option(names = "--json", description = "One JSON object instead of text.")
        boolean json;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            Path dir = StateDirectory.resolve(stateDir);
            ObjectMapper mapper = new MessageCodec().mapper();
            AuditChainCheck.Report report = new AuditChainCheck(mapper).verify(dir);
            if (json) {
                out.println(mapper.writeValueAsString(report));
            } else {
                print(report, dir, out);
            }
            out.flush();
            return report.verified() ? ExitCodes.OK : ExitCodes.FAILURE;
        }

        private static void print(AuditChainCheck.Report report, Path dir, PrintWriter out) {
            String log = dir.resolve(AuditLog.FILE).toString();
            String before = report.unchained() == 0
                    ? ""
                    : " (" + report.unchained() + " older line(s) from before the chain began are not covered)";
            for (var place : report.truncated()) {
                out.println("WARNING: " + place + " is truncated (cut off, likely by a crash or power loss while it"
                        + " was written); it is skipped and the next line chains to the one before it.");
            }
            if (report.verified()) {
                out.println(log + ": " + report.lines() + " line(s) verify" + before);
                return;
            }
            var broken = report.firstBreak();
            out.println(log + ": the chain is BROKEN after " + report.lines() + " good line(s)" + before + ".");
            out.println(
                    "First broken line: " + broken.place() + (broken.at() == null ? "" : " (at " + broken.at() + ")"));
            out.println("What differs: " + broken.problem());
        }
    }
}
