package io.enginex.edge.server.dashboard;

import io.enginex.edge.server.testing.TestHub;
import java.nio.file.Path;

/** {@link FleetPaging} on the embedded H2 database. */
class FleetPagingIT extends FleetPaging {
    @Override
    TestHub start(Path dataDir) {
        return TestHub.start(dataDir);
    }
}
