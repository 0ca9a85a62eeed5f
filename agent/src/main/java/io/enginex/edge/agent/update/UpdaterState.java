package io.enginex.edge.agent.update;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.common.tuf.TufJson;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the updater must remember across restarts, in {@code <home>/update-state.json} (replaced
 * atomically):
 *
 * <pre>{@code {"pending":{"version":"1.5.0","from":"1.4.0","switchedAt":"…","deadline":"…","starts":1},
 *  "refused":{"1.5.0":"no hello accepted within 300 s; rolled back to 1.4.0"},
 *  "lastResult":"rolled back 1.5.0: …",
 *  "failure":{"version":"1.5.0","reason":"no hello accepted within 300 s; rolled back to 1.4.0","at":"…"}}}</pre>
 *
 * @param pending a switch whose health check has not passed yet, or null
 * @param refused versions this agent will not install again, with why
 * @param lastResult one sentence on the last check or switch, for {@code status}
 * @param failure the last update that failed, or null (what the agent reports to the hub)
 */
public record UpdaterState(Pending pending, Map<String, String> refused, String lastResult, Failure failure) {
    /** How {@link #lastResult} starts right after a rollback, until the next check. */
    static final String ROLLED_BACK = "rolled back ";

    public UpdaterState {
        refused = Map.copyOf(refused);
    }

    /**
     * An update that failed.
     *
     * @param version the release that failed, or null when the failure was not a release's (the
     *     repository unreachable, its metadata expired or refused)
     */
    public record Failure(String version, String reason, Instant at) {}

    /** Whether the last thing that happened was a rollback (the next check's result replaces it). */
    boolean rolledBackLast() {
        return lastResult != null && lastResult.startsWith(ROLLED_BACK);
    }

    /** A switch from {@code from} to {@code version} waiting for its health check; {@code starts} counts runs of it. */
    public record Pending(String version, String from, Instant switchedAt, Instant deadline, int starts) {
        /** One more start of the new version, whose health check ends at {@code until}. */
        Pending started(Instant until) {
            return new Pending(version, from, switchedAt, until, starts + 1);
        }
    }

    public static final UpdaterState EMPTY = new UpdaterState(null, Map.of(), null, null);

    UpdaterState withPending(Pending p) {
        return new UpdaterState(p, refused, lastResult, failure);
    }

    UpdaterState refusing(String version, String why, Instant at) {
        Map<String, String> r = new LinkedHashMap<>(refused);
        r.put(version, why);
        return new UpdaterState(null, r, ROLLED_BACK + version + ": " + why, new Failure(version, why, at));
    }

    UpdaterState result(String text) {
        return new UpdaterState(pending, refused, text, failure);
    }

    UpdaterState failed(Failure f) {
        return new UpdaterState(pending, refused, lastResult, f);
    }

    ObjectNode toJson() {
        ObjectNode json = TufJson.MAPPER.createObjectNode();
        if (pending != null) {
            ObjectNode p = json.putObject("pending");
            p.put("version", pending.version());
            p.put("from", pending.from());
            p.put("switchedAt", pending.switchedAt().toString());
            p.put("deadline", pending.deadline().toString());
            p.put("starts", pending.starts());
        }
        ObjectNode r = json.putObject("refused");
        refused.forEach(r::put);
        if (lastResult != null) {
            json.put("lastResult", lastResult);
        }
        if (failure != null) {
            ObjectNode f = json.putObject("failure");
            if (failure.version() != null) {
                f.put("version", failure.version());
            }
            f.put("reason", failure.reason());
            f.put("at", failure.at().toString());
        }
        return json;
    }

    static UpdaterState fromJson(JsonNode json) {
        JsonNode p = json.path("pending");
        Pending pending = p.isObject()
                ? new Pending(
                        p.path("version").asText(),
                        p.path("from").asText(),
                        Instant.parse(p.path("switchedAt").asText()),
                        Instant.parse(p.path("deadline").asText()),
                        p.path("starts").asInt())
                : null;
        Map<String, String> refused = new LinkedHashMap<>();
        json.path("refused")
                .properties()
                .forEach(e -> refused.put(e.getKey(), e.getValue().asText()));
        JsonNode f = json.path("failure");
        Failure failure = f.path("reason").isTextual()
                ? new Failure(
                        f.path("version").isTextual() ? f.path("version").asText() : null,
                        f.path("reason").asText(),
                        Instant.parse(f.path("at").asText()))
                : null;
        return new UpdaterState(
                pending,
                refused,
                json.path("lastResult").isTextual() ? json.path("lastResult").asText() : null,
                failure);
    }
}
