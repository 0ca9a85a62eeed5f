package io.enginex.edge.server.store.jdbc;

import com.zaxxer.hikari.SQLExceptionOverride;
import io.enginex.edge.server.store.DatabaseFailures;
import java.sql.SQLException;

/**
 * Tells HikariCP to evict a connection whose statement failed because the database did (see {@link
 * DatabaseFailures}); Hikari itself knows the SQLState 08 family, not H2's "database is closed" after
 * a full disk. Without eviction the pool would hand out dead connections until the hub restarts.
 * Loaded by Hikari by name, so it needs a public no-argument constructor.
 */
public final class BrokenConnections implements SQLExceptionOverride {
    public BrokenConnections() {}

    @java.lang.Override
    public SQLExceptionOverride.Override adjudicate(SQLException e) {
        return DatabaseFailures.isUnavailable(e)
                ? SQLExceptionOverride.Override.MUST_EVICT
                : SQLExceptionOverride.Override.CONTINUE_EVICT;
    }
}
