package io.enginex.edge.server.update;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.common.tuf.TufJson;
import io.enginex.edge.common.tuf.TufSigner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The key ceremonies of {@link UpdateRepository}: making the repository and its keys, rotating root
 * keys and online keys, renewing root. Every one that signs a root takes the offline directory; each
 * runs under the repository's lock (the caller's {@code files.locked}).
 */
final class RepositoryKeys {
    private final UpdateRepository repo;
    private final RepositoryFiles files;

    RepositoryKeys(UpdateRepository repo, RepositoryFiles files) {
        this.repo = repo;
        this.files = files;
    }

    /** {@link UpdateRepository#init(Path, int, int, Expiries, Path)}. */
    UpdateRepository.Initialised init(
            Path offlineDir, int rootKeys, int threshold, Expiries expiries, Path targetsKeyDir) {
        if (threshold < 1 || rootKeys < threshold || rootKeys > 16) {
            throw new ReleaseException(
                    "--root-keys " + rootKeys + " --threshold " + threshold
                            + ": the threshold must be at least 1 and at most the number of root keys (at most 16), e.g. 3 and 2");
        }
        return files.locked(() -> {
            if (files.exists()) {
                throw new ReleaseException("an update repository exists already at " + files.dir()
                        + "; rotate its keys with engine release keys rotate-root or rotate-online");
            }
            try {
                RepositoryFiles.ownerOnlyDir(offlineDir);
                if (!ReleaseKeyFile.find(List.of(offlineDir), "root").isEmpty()) {
                    throw new ReleaseException(offlineDir + " holds root keys already; give an empty directory");
                }
                List<TufSigner> roots = new ArrayList<>();
                List<Path> written = new ArrayList<>();
                for (int i = 1; i <= rootKeys; i++) {
                    TufSigner signer = TufSigner.generate();
                    Path f = offlineDir.resolve("root-" + i + ReleaseKeyFile.SUFFIX);
                    new ReleaseKeyFile("root", signer).write(f);
                    roots.add(signer);
                    written.add(f);
                }
                RepositoryFiles.ownerOnlyDir(files.keys());
                Map<String, TufSigner> online = new LinkedHashMap<>();
                for (String role : UpdateRepository.ONLINE_ROLES) {
                    TufSigner signer = TufSigner.generate();
                    Path keyDir = role.equals("targets") && targetsKeyDir != null ? targetsKeyDir : files.keys();
                    RepositoryFiles.ownerOnlyDir(keyDir);
                    new ReleaseKeyFile(role, signer).write(keyDir.resolve(role + ReleaseKeyFile.SUFFIX));
                    online.put(role, signer);
                }
                files.writePublic(
                        files.config(),
                        TufJson.MAPPER
                                .writerWithDefaultPrettyPrinter()
                                .writeValueAsBytes(
                                        TufJson.MAPPER.createObjectNode().set("expires", expiries.toJson())));
                Map<String, List<TufSigner>> roleKeys = new LinkedHashMap<>();
                roleKeys.put("root", roots);
                online.forEach((role, s) -> roleKeys.put(role, List.of(s)));
                ObjectNode root = Roles.root(1, repo.expire(expiries.root()), roleKeys, threshold);
                repo.writeRoot(TufSigner.envelope(root, roots), 1);
                ObjectNode targets =
                        Roles.targets(1, repo.expire(expiries.targets()), TufJson.MAPPER.createObjectNode());
                repo.commit(new Signers(online), targets, 1, 1, expiries);
                repo.log("keys.init", Map.of("rootKeys", rootKeys, "threshold", threshold));
                Map<String, String> ids = new LinkedHashMap<>();
                online.forEach((role, s) -> ids.put(role, s.key().keyId()));
                return new UpdateRepository.Initialised(written, threshold, ids);
            } catch (IOException e) {
                throw new ReleaseException("cannot write the new keys: " + e.getMessage(), e);
            }
        });
    }

    /**
     * A new root version with new root keys: {@code keys} new keys in {@code newOfflineDir}, of which
     * {@code threshold} must sign. It is signed by the threshold of the old root keys (from
     * {@code oldOfflineDir}) and by every new key, as clients check both.
     */
    int rotateRoot(Path oldOfflineDir, Path newOfflineDir, int keys, int threshold) {
        if (threshold < 1 || keys < threshold || keys > 16) {
            throw new ReleaseException("--root-keys " + keys + " --threshold " + threshold
                    + ": the threshold must be at least 1 and at most the number of root keys (at most 16)");
        }
        return files.locked(() -> {
            State state = repo.load();
            List<TufSigner> old = repo.rootSigners(oldOfflineDir, state.root().path("signed"));
            try {
                RepositoryFiles.ownerOnlyDir(newOfflineDir);
                if (!ReleaseKeyFile.find(List.of(newOfflineDir), "root").isEmpty()) {
                    throw new ReleaseException(
                            newOfflineDir + " holds root keys already; give an empty directory for the new keys");
                }
                List<TufSigner> fresh = new ArrayList<>();
                for (int i = 1; i <= keys; i++) {
                    TufSigner s = TufSigner.generate();
                    new ReleaseKeyFile("root", s).write(newOfflineDir.resolve("root-" + i + ReleaseKeyFile.SUFFIX));
                    fresh.add(s);
                }
                ObjectNode root = Roles.withRole(
                        state.root().path("signed"),
                        "root",
                        fresh,
                        threshold,
                        state.version("root") + 1,
                        repo.expire(repo.expiries().root()));
                List<TufSigner> all = new ArrayList<>(old);
                all.addAll(fresh);
                int version = state.version("root") + 1;
                repo.writeRoot(TufSigner.envelope(root, all), version);
                repo.log("keys.root_rotated", Map.of("rootVersion", version, "rootKeys", keys, "threshold", threshold));
                return version;
            } catch (IOException e) {
                throw new ReleaseException("cannot write the new root keys: " + e.getMessage(), e);
            }
        });
    }

    /** A new root version with the same keys and a new expiry, signed with the offline root keys. */
    int renewRoot(Path offlineDir) {
        return files.locked(() -> {
            State state = repo.load();
            JsonNode signed = state.root().path("signed");
            List<TufSigner> signers = repo.rootSigners(offlineDir, signed);
            ObjectNode root = signed.deepCopy();
            int version = state.version("root") + 1;
            root.put("version", version);
            root.put("expires", TufJson.time(repo.expire(repo.expiries().root())));
            repo.writeRoot(TufSigner.envelope(root, signers), version);
            repo.log("keys.root_renewed", Map.of("rootVersion", version));
            return version;
        });
    }

    /**
     * Replaces the online key of {@code role} (targets, snapshot or timestamp): a new key in
     * {@code keys/}, a new root version naming it (signed with the offline root keys), then that role
     * and those below it signed again with it.
     */
    int rotateOnline(String role, Path offlineDir, List<Path> keyDirs) {
        if (!UpdateRepository.ONLINE_ROLES.contains(role)) {
            throw new ReleaseException("--role " + role + " is not an online role; use targets, snapshot or timestamp"
                    + " (root keys change with engine release keys rotate-root)");
        }
        return files.locked(() -> {
            State state = repo.load();
            JsonNode signed = state.root().path("signed");
            List<TufSigner> roots = repo.rootSigners(offlineDir, signed);
            TufSigner fresh = TufSigner.generate();
            Path keyFile = files.keys().resolve(role + ReleaseKeyFile.SUFFIX);
            Path pending = files.keys().resolve(role + ".key.new");
            try {
                RepositoryFiles.ownerOnlyDir(files.keys());
                Files.deleteIfExists(pending);
                new ReleaseKeyFile(role, fresh).write(pending);
                int version = state.version("root") + 1;
                ObjectNode root = Roles.withRole(
                        signed,
                        role,
                        List.of(fresh),
                        1,
                        version,
                        repo.expire(repo.expiries().root()));
                repo.writeRoot(TufSigner.envelope(root, roots), version);
                Files.move(
                        pending,
                        keyFile,
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                State rotated = repo.load();
                List<Path> dirs = new ArrayList<>(keyDirs);
                dirs.add(0, files.keys());
                Signers signers = Signers.find(dirs, rotated.root().path("signed"));
                Expiries expiries = repo.expiries();
                ObjectNode targets = role.equals("targets")
                        ? Roles.targets(
                                rotated.version("targets") + 1,
                                repo.expire(expiries.targets()),
                                rotated.targets().path("signed").path("targets").deepCopy())
                        : null;
                repo.commitPartial(signers, rotated, targets, !role.equals("timestamp"), expiries);
                repo.log(
                        "keys.online_rotated",
                        Map.of(
                                "role",
                                role,
                                "rootVersion",
                                version,
                                "keyid",
                                fresh.key().keyId()));
                return version;
            } catch (IOException e) {
                throw new ReleaseException("cannot write the new " + role + " key: " + e.getMessage(), e);
            }
        });
    }
}
