package io.enginex.edge.agent.cli;

import io.enginex.edge.agent.AgentVersion;
import io.enginex.edge.protocol.Protocol;
import picocli.CommandLine;

/** {@code enginex-agent --version}. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {
            "enginex-agent " + AgentVersion.current() + " (protocol " + Protocol.VERSION + ", Java " + Runtime.version()
                    + ")"
        };
    }
}
