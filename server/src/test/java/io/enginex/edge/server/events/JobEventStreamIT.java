package io.enginex.edge.server.events;

import io.enginex.edge.server.testing.TestHub;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** {@link JobEventStreamContract} on the embedded database. */
class JobEventStreamIT extends JobEventStreamContract {
    @TempDir
    static Path dir;

    static TestHub hub;

    @BeforeAll
    static void start() {
        hub = TestHub.start(dir);
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    @Override
    TestHub hub() {
        return hub;
    }
}
