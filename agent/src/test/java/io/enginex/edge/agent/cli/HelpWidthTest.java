package io.enginex.edge.agent.cli;

import io.enginex.edge.common.cli.HelpWidthContract;
import picocli.CommandLine;

/** {@code --help} of every command of {@code enginex-agent} follows the terminal's width ({@link HelpWidthContract}). */
class HelpWidthTest extends HelpWidthContract {
    @Override
    protected CommandLine root() {
        return AgentCommand.commandLine();
    }
}
