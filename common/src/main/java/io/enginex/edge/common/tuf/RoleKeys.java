package io.enginex.edge.common.tuf;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The keys a root trusts for one role and how many of them must sign ({@code threshold}), read from
 * a root's {@code roles} and {@code keys}.
 */
public record RoleKeys(String role, Map<String, TufKey> keys, int threshold) {
    public RoleKeys {
        keys = Map.copyOf(keys);
        if (threshold < 1) {
            throw new TufException(
                    "invalid", "role " + role + " has threshold " + threshold + "; it must be 1 or more");
        }
        if (keys.size() < threshold) {
            throw new TufException(
                    "invalid", "role " + role + " has " + keys.size() + " keys for threshold " + threshold);
        }
    }

    /** The role {@code role} of a root's {@code signed} object. */
    public static RoleKeys of(JsonNode rootSigned, String role) {
        JsonNode spec = rootSigned.path("roles").path(role);
        if (!spec.isObject()) {
            throw new TufException(
                    "invalid", "root version " + rootSigned.path("version").asText() + " has no role " + role);
        }
        Map<String, TufKey> keys = new LinkedHashMap<>();
        for (JsonNode id : spec.path("keyids")) {
            JsonNode key = rootSigned.path("keys").path(id.asText());
            if (!key.isObject()) {
                throw new TufException(
                        "invalid", "role " + role + " names key " + id.asText() + ", which root does not list");
            }
            keys.put(id.asText(), TufKey.fromJson(id.asText(), key));
        }
        return new RoleKeys(role, keys, spec.path("threshold").asInt(0));
    }

    /** How many distinct keys of this role made a valid signature over the envelope's {@code signed}. */
    public int validSignatures(JsonNode envelope) {
        byte[] canonical = TufJson.canonical(envelope.path("signed"));
        Set<String> valid = new HashSet<>();
        for (JsonNode sig : envelope.path("signatures")) {
            String id = sig.path("keyid").asText();
            TufKey key = keys.get(id);
            if (key != null
                    && !valid.contains(id)
                    && key.verifies(canonical, sig.path("sig").asText())) {
                valid.add(id);
            }
        }
        return valid.size();
    }

    /**
     * Checks the envelope carries at least {@code threshold} valid signatures of this role's keys.
     *
     * @throws TufException {@code threshold} naming the file, the count and the threshold
     */
    public void verify(JsonNode envelope, String file) {
        int valid = validSignatures(envelope);
        if (valid < threshold) {
            throw new TufException(
                    "threshold",
                    file + " has " + valid + " valid signature(s) of role " + role + "; the threshold is " + threshold);
        }
    }

    public List<String> keyIds() {
        return List.copyOf(keys.keySet());
    }
}
