package io.enginex.edge.server.cli;

import io.enginex.edge.common.cli.HelpWidthContract;
import picocli.CommandLine;

/** {@code --help} of every command of {@code engine} follows the terminal's width ({@link HelpWidthContract}). */
class HelpWidthTest extends HelpWidthContract {
    @Override
    protected CommandLine root() {
        return EngineCommand.commandLine();
    }
}
