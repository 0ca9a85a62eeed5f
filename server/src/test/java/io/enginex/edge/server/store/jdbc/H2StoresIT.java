package io.enginex.edge.server.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.server.store.DatabaseConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on the embedded H2 file database, as {@code engine serve} uses it by default. */
class H2StoresIT extends StoreContract {
    @TempDir
    static Path dataDir;

    @Override
    DatabaseConfig createDatabase() {
        return DatabaseConfig.embedded(dataDir);
    }

    @Test
    void embeddedDatabaseLivesUnderTheDataDirectory() {
        assertThat(jdbcStores().dialect()).isEqualTo("h2");
        assertThat(Files.exists(dataDir.resolve("db").resolve("hub.mv.db"))).isTrue();
    }
}
