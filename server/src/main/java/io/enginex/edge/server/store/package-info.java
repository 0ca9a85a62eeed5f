/**
 * Durable state of the hub. Every row that belongs to a tenant carries {@code tenant_id}, and every
 * method that reads or writes tenant data takes the tenant as its first argument and filters by it;
 * the few methods that do not (agent authentication by id, token redemption by hash) say so.
 *
 * <p>Implementations live in {@code store.jdbc}, run the same Flyway migrations on H2 and
 * PostgreSQL, and are thread-safe. Methods block (JDBC); call them from virtual threads.
 *
 * <p>Instants are stored in UTC at microsecond precision (PostgreSQL's); finer digits are truncated
 * on write, so a value reads back identical on both databases, and rows returned by {@code create}
 * methods carry the truncated values.
 */
package io.enginex.edge.server.store;
