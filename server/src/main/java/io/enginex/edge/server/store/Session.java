package io.enginex.edge.server.store;

import java.time.Instant;

/** A unit of work in which jobs are dispatched and whose results are watched together. */
public record Session(String id, String tenantId, String name, String createdBy, Instant createdAt) {}
