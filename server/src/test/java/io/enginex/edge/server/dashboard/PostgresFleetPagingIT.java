package io.enginex.edge.server.dashboard;

import static io.enginex.edge.server.testing.ScratchPostgres.SERVER;
import static io.enginex.edge.server.testing.ScratchPostgres.admin;

import io.enginex.edge.server.store.DatabaseConfig;
import io.enginex.edge.server.testing.TestHub;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;

/** {@link FleetPaging} on PostgreSQL, in a database made for this class and dropped afterwards. */
class PostgresFleetPagingIT extends FleetPaging {
    private final String database =
            TestHub.randomId("fleet_it").replace('-', '_').toLowerCase(Locale.ROOT);

    @Override
    TestHub start(Path dataDir) {
        admin("CREATE DATABASE " + database);
        return TestHub.start(
                dataDir, b -> b.database(DatabaseConfig.of(SERVER + database, "postgres", "")), Clock.systemUTC());
    }

    @Override
    void dropDatabase() {
        admin("DROP DATABASE IF EXISTS " + database);
    }
}
