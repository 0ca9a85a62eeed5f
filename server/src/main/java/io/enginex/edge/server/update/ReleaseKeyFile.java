package io.enginex.edge.server.update;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.common.tuf.TufJson;
import io.enginex.edge.common.tuf.TufKey;
import io.enginex.edge.common.tuf.TufSigner;
import io.enginex.edge.server.auth.OwnerOnlyFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;

/**
 * One signing key of the update repository in a file only its owner may read:
 *
 * <pre>{@code {"role":"root","keyid":"<sha256 hex>","public":"<ed25519 hex>","private":"<base64 PKCS#8>"}}</pre>
 *
 * Root keys are written to the offline directory ({@code root-1.key} …), the online keys to the
 * repository's {@code keys/} ({@code targets.key}, {@code snapshot.key}, {@code timestamp.key}).
 */
record ReleaseKeyFile(String role, TufSigner signer) {
    static final String SUFFIX = ".key";

    void write(Path file) throws IOException {
        ObjectNode json = TufJson.MAPPER.createObjectNode();
        json.put("role", role);
        json.put("keyid", signer.key().keyId());
        json.put("public", signer.key().publicHex());
        json.put(
                "private",
                Base64.getEncoder().encodeToString(signer.privateKey().getEncoded()));
        OwnerOnlyFiles.writeNew(
                file, TufJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(json));
    }

    static ReleaseKeyFile read(Path file) {
        try {
            JsonNode json = TufJson.parse(Files.readAllBytes(file), file.toString());
            TufKey key = TufKey.fromHex(json.path("public").asText());
            byte[] pkcs8 = Base64.getDecoder().decode(json.path("private").asText());
            var privateKey = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            TufSigner signer = new TufSigner(key, privateKey);
            // A key file whose halves do not belong together would sign what its public key cannot verify.
            if (!key.verifies(new byte[] {1}, signer.sign(new byte[] {1}))) {
                throw new ReleaseException(file + " holds a private key that does not match its public key");
            }
            return new ReleaseKeyFile(json.path("role").asText(), signer);
        } catch (IOException e) {
            throw new ReleaseException("cannot read key file " + file + ": " + e.getMessage());
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new ReleaseException(file + " is not a release key file: " + e.getMessage());
        }
    }

    /** Every key file of {@code role} in {@code dirs} (missing directories are skipped). */
    static List<ReleaseKeyFile> find(List<Path> dirs, String role) {
        List<ReleaseKeyFile> found = new ArrayList<>();
        for (Path dir : dirs) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.sorted().toList()) {
                    String name = f.getFileName().toString();
                    if (name.endsWith(SUFFIX) && (name.equals(role + SUFFIX) || name.startsWith(role + "-"))) {
                        ReleaseKeyFile key = read(f);
                        if (key.role().equals(role)) {
                            found.add(key);
                        }
                    }
                }
            } catch (IOException e) {
                throw new ReleaseException("cannot list " + dir + ": " + e.getMessage());
            }
        }
        return found;
    }
}
