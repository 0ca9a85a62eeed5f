package io.enginex.edge.server.ratelimit;

import io.enginex.edge.server.auth.Secrets;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Buckets in the {@code rate_buckets} table (migration V12) of the PostgreSQL database the hub's nodes
 * share, so that a budget is one budget whichever node an attempt reaches. PostgreSQL only (the
 * statement is PostgreSQL's upsert); on the embedded database the hub is one node and uses {@link
 * MemoryBuckets}.
 *
 * <p>An attempt is one statement: an upsert that, under the row's lock, refills the bucket to the
 * attempt's time, takes a token if there is one and returns what it left, so concurrent attempts on
 * any nodes spend exactly the budget. It commits without waiting for the disk (see {@code TAKE}): a
 * PostgreSQL crash may forget the last moment's attempts, never more. Each call runs on a handle of its own, in its own commit, never
 * inside a caller's transaction: a spent attempt stays spent.
 *
 * <p>Time is the hub's clock, not the database's, so that tests can drive it; a bucket's stamp never
 * goes back (see {@link Buckets}). Skew between the nodes' clocks therefore never multiplies a
 * budget: a node whose clock is behind refills nothing until it passes the stamp a faster node left,
 * and a node whose clock is {@code s} ahead can at most give one bucket {@code s} worth of refill
 * early, once. Nodes should run NTP, as they must for token expiry anyway.
 *
 * <p>Failure policy: a database error propagates (JDBI's exception, answered 503 by the HTTP error
 * mapping): the limits fail closed. Every limited operation (registration, access tokens, logins,
 * the device flow) needs the database anyway, so failing open would let through only attempts that
 * then fail, while letting a flood run unmetered at the moment the database struggles.
 */
public final class JdbcBuckets implements Buckets {
    /** Keys longer than this, or with characters outside printable ASCII, are stored hashed. */
    static final int MAX_PLAIN_KEY = 200;

    /**
     * How long after a bucket refilled its row is purged: rows full a minute ago, so that a node whose
     * clock is up to a minute ahead never purges a bucket another node still counts as spent.
     */
    static final long PURGE_MARGIN_MILLIS = 60_000;

    // The level an attempt finds, as Buckets.refill and Buckets.rebudget compute it in Java, with the
    // same floating-point operations in the same order (so both backends agree to the last bit).
    // The statement's own transaction commits without waiting for the WAL flush (synchronous_commit
    // off, for this transaction only): a database crash may forget the last fraction of a second of
    // spent attempts, which is harmless for a rate limit, and an attempt costs no disk flush, which
    // more than doubles the attempts a second PostgreSQL takes (pgbench on this machine).
    private static final String TAKE = """
            INSERT INTO rate_buckets AS b (bucket, tokens, at_millis, capacity, granted)
            SELECT :bucket, :capacity - 1, :now, :capacity, TRUE
            FROM (SELECT set_config('synchronous_commit', 'off', true)) AS lazy_commit
            ON CONFLICT (bucket) DO UPDATE SET (tokens, granted, at_millis, capacity) = (
                SELECT CASE WHEN l.level >= 1 THEN l.level - 1 ELSE l.level END,
                       l.level >= 1,
                       GREATEST(b.at_millis, :now),
                       :capacity
                FROM (SELECT CASE WHEN b.capacity = :capacity THEN r.refill
                                  ELSE GREATEST(0, :capacity - (b.capacity - r.refill)) END AS level
                      FROM (SELECT LEAST(b.capacity, b.tokens
                                + GREATEST(0, :now - b.at_millis) * (b.capacity / 60000.0::float8)) AS refill) r) l)
            RETURNING granted, tokens, capacity""";

    private final Jdbi jdbi;

    /** @param jdbi over the hub's PostgreSQL database, migrated (V12 made the table) */
    public JdbcBuckets(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public Attempt take(String bucket, int capacity, long nowMillis) {
        try (Handle h = jdbi.open()) {
            return h.createQuery(TAKE)
                    .bind("bucket", column(bucket))
                    .bind("capacity", capacity)
                    .bind("now", nowMillis)
                    .map((rs, ctx) -> new Attempt(
                            rs.getBoolean("granted"), new Level(rs.getDouble("tokens"), rs.getInt("capacity"))))
                    .one();
        }
    }

    @Override
    public Level peek(String bucket, long nowMillis) {
        try (Handle h = jdbi.open()) {
            return h.createQuery("SELECT tokens, at_millis, capacity FROM rate_buckets WHERE bucket = :bucket")
                    .bind("bucket", column(bucket))
                    .map((rs, ctx) -> {
                        int capacity = rs.getInt("capacity");
                        double tokens =
                                Buckets.refill(rs.getDouble("tokens"), rs.getLong("at_millis"), capacity, nowMillis);
                        return new Level(tokens, capacity);
                    })
                    .findOne()
                    .orElse(null);
        }
    }

    @Override
    public int purge(long nowMillis) {
        try (Handle h = jdbi.open()) {
            return h.createUpdate("""
                            DELETE FROM rate_buckets WHERE tokens
                                + GREATEST(0, :then - at_millis) * (capacity / 60000.0::float8) >= capacity""")
                    .bind("then", nowMillis - PURGE_MARGIN_MILLIS)
                    .execute();
        }
    }

    /**
     * The row's key for {@code bucket}: the name itself when it is short printable ASCII (addresses,
     * most emails), else its limiter's name and a SHA-256 of the whole, so a long or odd key (an email
     * with a NUL, which PostgreSQL text refuses) neither fails the statement nor shares another's row.
     */
    static String column(String bucket) {
        if (bucket.length() <= MAX_PLAIN_KEY && bucket.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            return bucket;
        }
        int slash = bucket.indexOf('/');
        String name = slash > 0 && slash <= 64 ? bucket.substring(0, slash) : "";
        return name + "/#" + Secrets.hash(bucket);
    }
}
