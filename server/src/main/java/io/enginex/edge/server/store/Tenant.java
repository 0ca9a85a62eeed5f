package io.enginex.edge.server.store;

import java.time.Instant;

/** A tenant: {@code id} is a short slug such as {@code acme} used in URLs and CLI flags. */
public record Tenant(String id, String name, Instant createdAt) {}
