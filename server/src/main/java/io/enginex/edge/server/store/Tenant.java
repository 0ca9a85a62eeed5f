package io.enginex.edge.server.store;

import java.time.Instant;

/**
 * A tenant: {@code id} is a short slug such as {@code acme} used in URLs and CLI flags.
 *
 * @param enrolmentRatePerMinute enrolments allowed per minute from one source address with one of the
 *     tenant's tokens that sets none itself, or null for the hub's default
 */
public record Tenant(String id, String name, Instant createdAt, Integer enrolmentRatePerMinute) {}
