package io.enginex.edge.common.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@link WrappedHelp} on a small command whose help has the texts picocli's own wrapping breaks
 * (paths and URLs): the shared contract holds for it, and a long path stays whole.
 */
class WrappedHelpTest extends HelpWidthContract {
    @Command(
            name = "sample",
            mixinStandardHelpOptions = true,
            description = "Reads /etc/enginex/policy.json and connects to https://hub.example.com:8443/agents/connect"
                    + " with the key in /var/lib/enginex-agent/identity/agent-key.pem, retrying with backoff.",
            subcommands = Sample.Sub.class)
    static final class Sample implements Callable<Integer> {
        @Option(
                names = "--policy-file",
                paramLabel = "<path>",
                description = "The machine policy, e.g. /etc/enginex/policy.json or"
                        + " C:\\ProgramData\\EngineX\\Agent\\policy.json (only administrators can write it).")
        String policy;

        @Override
        public Integer call() {
            return 0;
        }

        @Command(name = "sub", description = "A subcommand with a URL https://hub.example.com/a/very/long/path/x.")
        static final class Sub implements Callable<Integer> {
            @Override
            public Integer call() {
                return 0;
            }
        }
    }

    @Override
    protected CommandLine root() {
        return WrappedHelp.apply(new CommandLine(new Sample()));
    }

    @Test
    void aPathIsNeverCutWherePicocliWouldBreakIt() {
        String help = usage(root(), 60);

        assertThat(help).contains("/etc/enginex/policy.json").contains("https://hub.example.com:8443/agents/connect");
    }

    @Test
    void wrappingBreaksOnlyAtBlanksAndHangsUnderTheColumn() {
        String row = "  -p, --policy=<path>  one two three four five six seven eight nine ten";

        String wrapped = WrappedHelp.wrap(row, 50);

        assertThat(wrapped.lines()).hasSizeGreaterThan(1).allMatch(l -> l.length() <= 50);
        assertThat(wrapped.lines().skip(1)).allMatch(l -> l.startsWith(" ".repeat(25)));
        assertThat(wrapped.trim().split("\\s+")).containsExactly(row.trim().split("\\s+"));
    }
}
