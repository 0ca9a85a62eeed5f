package io.enginex.edge.server.job;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;

/**
 * What an operator asks for: run {@code tool} with {@code args} on {@code agentId} within {@code
 * timeout}. Validated and made into a {@link io.enginex.edge.server.store.Job} by {@link JobFactory}.
 */
public record JobRequest(String agentId, String tool, JsonNode args, Duration timeout) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration MAX_TIMEOUT = Duration.ofDays(1);
}
