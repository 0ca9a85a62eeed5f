package io.enginex.edge.server.update;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.common.tuf.TufJson;
import io.enginex.edge.common.update.ChannelState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/** The repository's current metadata (envelopes as written), and what its targets say. */
record State(ObjectNode root, ObjectNode targets, ObjectNode snapshot, ObjectNode timestamp, RepositoryFiles files) {
    int version(String role) {
        return switch (role) {
            case "root" -> root.path("signed").path("version").asInt();
            case "targets" -> targets.path("signed").path("version").asInt();
            case "snapshot" -> snapshot.path("signed").path("version").asInt();
            case "timestamp" -> timestamp.path("signed").path("version").asInt();
            default -> throw new IllegalArgumentException(role);
        };
    }

    /** Published versions → platform → target name. */
    Map<String, Map<String, String>> releases() {
        Map<String, Map<String, String>> out = new TreeMap<>();
        targets.path("signed").path("targets").properties().forEach(e -> {
            JsonNode custom = e.getValue().path("custom");
            if (e.getKey().startsWith("releases/")) {
                out.computeIfAbsent(custom.path("version").asText(), v -> new TreeMap<>())
                        .put(
                                custom.path("os").asText() + "-"
                                        + custom.path("arch").asText(),
                                e.getKey());
            }
        });
        return out;
    }

    Map<String, ChannelState> channels() {
        Map<String, ChannelState> out = new TreeMap<>();
        targets.path("signed").path("targets").properties().forEach(e -> {
            if (e.getKey().startsWith("channels/")) {
                String name = e.getValue().path("custom").path("channel").asText();
                String sha = e.getValue().path("hashes").path("sha256").asText();
                Path file = files.targets().resolve("channels").resolve(sha + "." + name + ".json");
                try {
                    ObjectNode json = TufJson.parse(Files.readAllBytes(file), file.toString());
                    out.put(name, ChannelState.fromJson(json));
                } catch (IOException e2) {
                    throw new ReleaseException("cannot read channel file " + file + ": " + e2.getMessage(), e2);
                }
            }
        });
        return out;
    }

    ChannelState channel(String name) {
        return channels().getOrDefault(name, ChannelState.empty(name));
    }

    ChannelState existingChannel(String name) {
        ChannelState c = channels().get(name);
        if (c == null) {
            throw new ReleaseException("there is no channel " + name + "; channels: "
                    + channels().keySet() + " (a channel starts with engine release publish --channel " + name + ")");
        }
        return c;
    }
}
