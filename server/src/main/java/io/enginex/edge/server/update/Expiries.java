package io.enginex.edge.server.update;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.common.tuf.TufJson;
import java.time.Duration;
import java.time.format.DateTimeParseException;

/**
 * How long each role's metadata is valid once signed. The hub signs timestamp and snapshot again when
 * half their time has passed (and targets, when its key is online); root is signed again only with the
 * offline keys ({@code engine release keys renew-root}).
 */
public record Expiries(Duration root, Duration targets, Duration snapshot, Duration timestamp) {
    public static final Expiries DEFAULT =
            new Expiries(Duration.ofDays(365), Duration.ofDays(90), Duration.ofDays(7), Duration.ofDays(1));

    public Expiries {
        for (Duration d : new Duration[] {root, targets, snapshot, timestamp}) {
            if (d.compareTo(Duration.ofMinutes(1)) < 0) {
                throw new ReleaseException("an expiry must be at least one minute, not " + d);
            }
        }
    }

    public Duration of(String role) {
        return switch (role) {
            case "root" -> root;
            case "targets" -> targets;
            case "snapshot" -> snapshot;
            case "timestamp" -> timestamp;
            default -> throw new IllegalArgumentException("no role " + role);
        };
    }

    ObjectNode toJson() {
        ObjectNode json = TufJson.MAPPER.createObjectNode();
        for (String role : new String[] {"root", "targets", "snapshot", "timestamp"}) {
            json.put(role, of(role).toString());
        }
        return json;
    }

    static Expiries fromJson(JsonNode json) {
        try {
            return new Expiries(
                    Duration.parse(json.path("root").asText()),
                    Duration.parse(json.path("targets").asText()),
                    Duration.parse(json.path("snapshot").asText()),
                    Duration.parse(json.path("timestamp").asText()));
        } catch (DateTimeParseException e) {
            throw new ReleaseException(
                    "repository.json has an expiry that is not an ISO-8601 duration: " + e.getMessage());
        }
    }
}
