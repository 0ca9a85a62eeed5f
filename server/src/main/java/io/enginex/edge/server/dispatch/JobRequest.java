package io.enginex.edge.server.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;

/**
 * What an operator asks for: run {@code tool} with {@code args} on {@code agentId} within {@code
 * timeout}. Validated by {@link Dispatcher#create}.
 */
public record JobRequest(String agentId, String tool, JsonNode args, Duration timeout) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration MAX_TIMEOUT = Duration.ofDays(1);
}
