/**
 * Idempotent creation: a create route that receives an {@code Idempotency-Key} header (IETF httpapi
 * draft {@code draft-ietf-httpapi-idempotency-key-header}) makes its resource at most once per key and
 * answers a retry with the first answer.
 *
 * <p>{@link io.enginex.edge.server.idempotency.IdempotentCreates} is the one entry point; a route
 * hands it a {@link io.enginex.edge.server.idempotency.Creation} (write the resource, render the
 * answer, act after commit). The key is written in the same database transaction as the resource,
 * so a crash leaves both or neither. The package depends on JDBI and the hub secret only, so it can
 * move with the routes that use it.
 */
package io.enginex.edge.server.idempotency;
