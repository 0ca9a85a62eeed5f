package io.enginex.edge.server.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OpenFailuresTest {
    @Test
    void postgresqlHostAndPortDefaultThePort() {
        assertThat(OpenFailures.hostAndPort("jdbc:postgresql://db.example:6543/hub"))
                .isEqualTo("db.example:6543");
        assertThat(OpenFailures.hostAndPort("jdbc:postgresql://db.example/hub?ssl=true"))
                .isEqualTo("db.example:5432");
        assertThat(OpenFailures.hostAndPort("jdbc:postgresql:///hub")).isEqualTo("localhost:5432");
        assertThat(OpenFailures.hostAndPort("jdbc:postgresql://[::1]/hub")).isEqualTo("[::1]:5432");
        assertThat(OpenFailures.hostAndPort("jdbc:postgresql://[::1]:5433/hub")).isEqualTo("[::1]:5433");
        assertThat(OpenFailures.hostAndPort("jdbc:postgresql://a:1,b:2/hub")).isEqualTo("a:1,b:2");
    }

    @Test
    void lockedEmbeddedDatabaseNamesTheDataDirectory() {
        assertThat(OpenFailures.h2Locked("jdbc:h2:file:/srv/enginex/db/hub;MODE=PostgreSQL"))
                .isEqualTo("Another hub is using the data directory /srv/enginex (its database file is locked)."
                        + " Stop that hub, or start this one with another --data-dir.");
        assertThat(OpenFailures.h2Locked("jdbc:h2:/tmp/other;X=1")).contains("the database /tmp/other");
    }
}
