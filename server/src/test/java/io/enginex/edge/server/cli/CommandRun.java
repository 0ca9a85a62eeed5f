package io.enginex.edge.server.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs {@code engine} in-process and keeps what it printed. */
record CommandRun(int exitCode, String out, String err) {
    static CommandRun run(String... args) {
        return run(new StringWriter(), args);
    }

    /** Runs with {@code err} as stderr, so another thread can watch what it says while it runs. */
    static CommandRun run(StringWriter err, String... args) {
        StringWriter out = new StringWriter();
        var cli = EngineCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new CommandRun(code, out.toString(), err.toString());
    }
}
