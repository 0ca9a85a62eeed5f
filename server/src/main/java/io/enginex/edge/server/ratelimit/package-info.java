/**
 * Rate limits: token buckets per key ({@link io.enginex.edge.server.ratelimit.RateLimiter}), made by
 * {@link io.enginex.edge.server.ratelimit.RateLimits} over buckets in memory (the embedded database,
 * one node) or in PostgreSQL (every budget global across the hub's nodes). The adapters spend them:
 * registration, access tokens, logins, the device flow.
 */
package io.enginex.edge.server.ratelimit;
