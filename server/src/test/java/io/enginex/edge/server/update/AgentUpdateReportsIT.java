package io.enginex.edge.server.update;

import io.enginex.edge.server.testing.TestHub;
import java.nio.file.Path;

/** {@link AgentUpdateReports} on the embedded H2 database. */
class AgentUpdateReportsIT extends AgentUpdateReports {
    @Override
    TestHub start(Path dataDir) {
        return TestHub.start(dataDir);
    }
}
