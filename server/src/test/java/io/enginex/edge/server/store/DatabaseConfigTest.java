package io.enginex.edge.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DatabaseConfigTest {
    @Test
    void embeddedDatabaseIsAnH2FileUnderTheDataDirectoryThatWritesEveryCommitAtItsEnd() {
        DatabaseConfig config = DatabaseConfig.embedded(Path.of("hub-data"));

        assertThat(config.dialect()).isEqualTo("h2");
        assertThat(config.jdbcUrl())
                .startsWith("jdbc:h2:file:"
                        + Path.of("hub-data").toAbsolutePath().toString().replace('\\', '/') + "/db/hub;")
                .contains(";MODE=PostgreSQL;", ";DATABASE_TO_LOWER=TRUE", ";WRITE_DELAY=0", ";REUSE_SPACE=FALSE");
        assertThat(config.maxPoolSize()).isEqualTo(DatabaseConfig.DEFAULT_POOL_SIZE);
    }

    @Test
    void dialectFollowsTheUrl() {
        assertThat(DatabaseConfig.of("jdbc:postgresql://db:5432/hub", "hub", "pw")
                        .dialect())
                .isEqualTo("postgresql");
        assertThat(DatabaseConfig.of("jdbc:h2:mem:x", "sa", "").dialect()).isEqualTo("h2");
    }

    @Test
    void otherUrlsAreRefusedWithTheFlagNamed() {
        assertThatThrownBy(() -> DatabaseConfig.of("jdbc:mysql://db/hub", "u", "p"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--db-url must start with jdbc:postgresql:// or jdbc:h2:; got jdbc:mysql://db/hub");
        assertThatThrownBy(() -> DatabaseConfig.of(null, "u", "p")).hasMessageContaining("got nothing");
    }

    @Test
    void toStringNeverShowsThePassword() {
        DatabaseConfig config = DatabaseConfig.of(
                "jdbc:postgresql://db:5432/hub?user=hub&password=inurl-secret&ssl=true", "hub", "s3cret");

        assertThat(config.toString())
                .doesNotContain("s3cret", "inurl-secret")
                .contains("password=****", "ssl=true", "user=hub");
        assertThat(config.redactedUrl()).doesNotContain("inurl-secret");
        assertThatThrownBy(() -> DatabaseConfig.of("jdbc:oracle:thin:@x?password=topsecret", "u", "p"))
                .hasMessageNotContaining("topsecret");
    }

    @Test
    void poolNeedsAConnection() {
        assertThatThrownBy(() -> new DatabaseConfig("jdbc:h2:mem:x", "sa", "", 0))
                .hasMessageContaining("at least one connection");
        assertThat(DatabaseConfig.of("jdbc:h2:mem:x", "sa", "")
                        .withMaxPoolSize(3)
                        .maxPoolSize())
                .isEqualTo(3);
    }
}
