package io.enginex.edge.server.update;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.common.tuf.TufJson;
import io.enginex.edge.common.tuf.TufSigner;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The {@code signed} objects of the four top-level roles, as TUF 1.0 (section 4) lays them out. */
final class Roles {
    private Roles() {}

    static ObjectNode root(int version, Instant expires, Map<String, List<TufSigner>> roleKeys, int rootThreshold) {
        ObjectNode root = header("root", version, expires);
        root.put("consistent_snapshot", true);
        ObjectNode keys = root.putObject("keys");
        ObjectNode roles = root.putObject("roles");
        roleKeys.forEach((role, signers) -> {
            ObjectNode spec = roles.putObject(role);
            ArrayNode ids = spec.putArray("keyids");
            for (TufSigner s : signers) {
                keys.set(s.key().keyId(), s.key().toJson());
                ids.add(s.key().keyId());
            }
            spec.put("threshold", role.equals("root") ? rootThreshold : 1);
        });
        return root;
    }

    /**
     * The next root: {@code previous} with {@code role} given {@code signers} and {@code threshold}; keys
     * no role uses any more are dropped.
     */
    static ObjectNode withRole(
            JsonNode previous, String role, List<TufSigner> signers, int threshold, int version, Instant expires) {
        ObjectNode root = previous.deepCopy();
        root.put("version", version);
        root.put("expires", TufJson.time(expires));
        ObjectNode spec = ((ObjectNode) root.path("roles")).putObject(role);
        ArrayNode ids = spec.putArray("keyids");
        ObjectNode keys = (ObjectNode) root.path("keys");
        for (TufSigner s : signers) {
            keys.set(s.key().keyId(), s.key().toJson());
            ids.add(s.key().keyId());
        }
        spec.put("threshold", threshold);
        java.util.Set<String> used = new java.util.HashSet<>();
        root.path("roles").forEach(r -> r.path("keyids").forEach(id -> used.add(id.asText())));
        keys.retain(used);
        return root;
    }

    static ObjectNode targets(int version, Instant expires, ObjectNode targetMap) {
        ObjectNode targets = header("targets", version, expires);
        targets.set("targets", targetMap);
        return targets;
    }

    static ObjectNode snapshot(int version, Instant expires, int targetsVersion) {
        ObjectNode snapshot = header("snapshot", version, expires);
        snapshot.putObject("meta").putObject("targets.json").put("version", targetsVersion);
        return snapshot;
    }

    static ObjectNode timestamp(int version, Instant expires, int snapshotVersion, byte[] snapshotFile) {
        ObjectNode timestamp = header("timestamp", version, expires);
        ObjectNode meta = timestamp.putObject("meta").putObject("snapshot.json");
        meta.put("version", snapshotVersion);
        meta.put("length", snapshotFile.length);
        meta.putObject("hashes").put("sha256", TufJson.sha256(snapshotFile));
        return timestamp;
    }

    private static ObjectNode header(String type, int version, Instant expires) {
        ObjectNode signed = TufJson.MAPPER.createObjectNode();
        signed.put("_type", type);
        signed.put("spec_version", UpdateRepository.SPEC_VERSION);
        signed.put("version", version);
        signed.put("expires", TufJson.time(expires));
        return signed;
    }
}
