package io.enginex.edge.server.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs {@code engine} in-process and keeps what it printed. */
record CommandRun(int exitCode, String out, String err) {
    static CommandRun run(String... args) {
        return run(new StringWriter(), args);
    }

    /** Runs {@code args} against the hub whose data directory is {@code dataDir} ({@code --data-dir}). */
    static CommandRun withDataDir(java.nio.file.Path dataDir, String... args) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 2);
        all[args.length] = "--data-dir";
        all[args.length + 1] = dataDir.toString();
        return run(all);
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
