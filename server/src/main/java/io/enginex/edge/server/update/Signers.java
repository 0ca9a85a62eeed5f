package io.enginex.edge.server.update;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.common.tuf.RoleKeys;
import io.enginex.edge.common.tuf.TufSigner;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The online keys found in the key directories that the current root trusts, by role. A key file the
 * root no longer names (replaced by a rotation) is not used.
 */
record Signers(Map<String, TufSigner> byRole, List<Path> searched) {
    Signers(Map<String, TufSigner> byRole) {
        this(byRole, List.of());
    }

    static Signers find(List<Path> dirs, JsonNode rootSigned) {
        Map<String, TufSigner> found = new LinkedHashMap<>();
        for (String role : UpdateRepository.ONLINE_ROLES) {
            RoleKeys trusted = RoleKeys.of(rootSigned, role);
            for (ReleaseKeyFile f : ReleaseKeyFile.find(dirs, role)) {
                if (trusted.keys().containsKey(f.signer().key().keyId())) {
                    found.putIfAbsent(role, f.signer());
                }
            }
        }
        return new Signers(found, List.copyOf(dirs));
    }

    boolean has(String role) {
        return byRole.containsKey(role);
    }

    TufSigner get(String role) {
        TufSigner s = byRole.get(role);
        if (s == null) {
            throw new ReleaseException("no " + role + " key that the current root trusts in " + searched
                    + "; give the directory holding " + role + ".key with --keys");
        }
        return s;
    }
}
