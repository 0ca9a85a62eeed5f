package io.enginex.edge.server.store.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import org.jdbi.v3.core.argument.Argument;

/**
 * How an {@link Instant} is written to and read from a {@code TIMESTAMP WITH TIME ZONE} column.
 *
 * <p>Values are written as UTC {@link OffsetDateTime}s truncated to microseconds: PostgreSQL keeps
 * microseconds and H2 would keep nanoseconds, so truncating on write makes both databases return
 * exactly the value that was stored. Going through {@code OffsetDateTime} rather than {@code
 * java.sql.Timestamp} keeps the JVM's default time zone out of the conversion.
 */
final class Timestamps {
    private Timestamps() {}

    /** The precision every stored instant is cut to. */
    static Instant truncate(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.MICROS);
    }

    /** A bind argument for an instant; {@code null} binds SQL NULL. */
    static Argument arg(Instant instant) {
        if (instant == null) {
            return (position, statement, ctx) -> statement.setNull(position, Types.TIMESTAMP_WITH_TIMEZONE);
        }
        OffsetDateTime value = OffsetDateTime.ofInstant(truncate(instant), ZoneOffset.UTC);
        return (position, statement, ctx) -> statement.setObject(position, value);
    }

    /** Reads a column as an instant; SQL NULL reads as {@code null}. */
    static Instant read(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
