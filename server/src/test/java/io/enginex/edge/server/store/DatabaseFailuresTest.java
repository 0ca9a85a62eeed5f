package io.enginex.edge.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.h2.api.ErrorCode;
import org.h2.message.DbException;
import org.jdbi.v3.core.ConnectionException;
import org.junit.jupiter.api.Test;

class DatabaseFailuresTest {
    @Test
    void aDatabaseThatIsDownStalledOrFullIsUnavailable() {
        assertThat(DatabaseFailures.isUnavailable(new ConnectionException(
                        new SQLTransientConnectionException("enginex-db - Connection is not available"))))
                .as("Hikari's timeout, wrapped by JDBI")
                .isTrue();
        assertThat(DatabaseFailures.isUnavailable(new SQLException("terminating connection", "57P01")))
                .as("PostgreSQL shutting down")
                .isTrue();
        assertThat(DatabaseFailures.isUnavailable(new SQLException("I/O error", "08006")))
                .isTrue();
        assertThat(DatabaseFailures.isUnavailable(new SQLException("disk full", "53100")))
                .isTrue();
        assertThat(DatabaseFailures.isUnavailable(
                        DbException.get(ErrorCode.DATABASE_IS_CLOSED).getSQLException()))
                .as("H2 closed after a failed write")
                .isTrue();
        assertThat(DatabaseFailures.isUnavailable(new RuntimeException(
                        new SQLException("General error", "HY000", 50000, new IOException("No space left on device")))))
                .as("H2's full disk")
                .isTrue();
    }

    @Test
    void aBugOrAClientHangingUpIsNot() {
        assertThat(DatabaseFailures.isUnavailable(new SQLException("syntax error", "42601")))
                .isFalse();
        assertThat(DatabaseFailures.isUnavailable(new SQLException("duplicate key", "23505")))
                .isFalse();
        assertThat(DatabaseFailures.isUnavailable(new EOFException("client closed the connection")))
                .isFalse();
        assertThat(DatabaseFailures.isUnavailable(new IllegalStateException("bug")))
                .isFalse();
    }
}
