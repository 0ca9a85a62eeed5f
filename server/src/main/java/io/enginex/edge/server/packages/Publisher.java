package io.enginex.edge.server.packages;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.server.auth.HubSecret;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * Publishes built installers to a hub ({@code engine packages publish}): copies them into a new tree
 * beside the previous one (whose files it keeps unless replaced by name), writes each one's checksum and
 * detached signature, signs the rpms, makes the apt repository with apt-ftparchive and the dnf
 * repository with createrepo_c, signs their indexes with the hub's {@link SigningKey}, and then points
 * {@code <data-dir>/downloads} at the new tree with one atomic rename, so a client never sees half a
 * publish. Installers are built elsewhere (packaging/build-packages.sh, the installers workflow); the hub
 * only serves them. One publish at a time per data directory (a lock file).
 */
public final class Publisher {
    private static final byte[] DEB_MAGIC = "!<arch>\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RPM_MAGIC = {(byte) 0xed, (byte) 0xab, (byte) 0xee, (byte) 0xdb};
    private static final byte[] MSI_MAGIC = {(byte) 0xd0, (byte) 0xcf, 0x11, (byte) 0xe0};
    private static final byte[] PKG_MAGIC = "xar!".getBytes(StandardCharsets.US_ASCII);
    private static final String SUITE = "stable";

    private final Path dataDir;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final PrintWriter progress;

    public Publisher(Path dataDir, ObjectMapper mapper, Clock clock, PrintWriter progress) {
        this.dataDir = dataDir;
        this.mapper = mapper;
        this.clock = clock;
        this.progress = progress;
    }

    /**
     * Publishes {@code files} (added to, or replacing by name, what was published before).
     *
     * @throws IllegalArgumentException for a file that is missing or not an agent installer (nothing is
     *     published then)
     * @throws ExternalTool.ToolException when a tool is missing or fails (the published tree is unchanged)
     */
    public Downloads.Index publish(List<Path> files) {
        for (Path f : files) {
            check(f);
        }
        return locked(key -> key, files)
                .republished()
                .orElseThrow(() -> new IllegalArgumentException(
                        "nothing to publish: name the installers (packaging/target/packages/VERSION/*)"));
    }

    /** The hub's package keys after a change, and the index re-signed with them (empty: nothing published). */
    public record Keys(String inUse, List<String> retiring, Optional<Downloads.Index> republished) {}

    /**
     * Starts a key rotation: makes a new package key, which signs from now on, and re-signs what is published
     * with both the new and the old keys, so that machines that trust either keep updating.
     */
    public Keys rotateKey() {
        return locked(SigningKey::rotate, List.of());
    }

    /**
     * Ends a key rotation: deletes an older key and re-signs what is published without it.
     *
     * @throws IllegalArgumentException if {@code fingerprint} is the key in use or not one of this hub's
     */
    public Keys retireKey(String fingerprint) {
        return locked(key -> key.retire(fingerprint), List.of());
    }

    private Keys locked(UnaryOperator<SigningKey> change, List<Path> files) {
        Path releases = dataDir.resolve("packages").resolve("releases");
        try {
            Files.createDirectories(releases);
            try (var lock = java.nio.channels.FileChannel.open(
                            releases.resolve(".lock"),
                            java.nio.file.StandardOpenOption.CREATE,
                            java.nio.file.StandardOpenOption.WRITE);
                    var held = lock.tryLock()) {
                if (held == null) {
                    throw new IllegalStateException(
                            "another engine packages command is running on " + dataDir + "; wait for it to finish");
                }
                HubSecret secret = HubSecret.loadOrCreate(dataDir.resolve("hub.secret"), new SecureRandom());
                say("signing key");
                SigningKey opened = SigningKey.openOrCreate(dataDir, secret);
                try {
                    SigningKey key = change.apply(opened); // the same GnuPG home: closing one closes both
                    boolean published = new Downloads(dataDir, mapper).index().isPresent();
                    Optional<Downloads.Index> index = files.isEmpty() && !published
                            ? Optional.empty()
                            : Optional.of(publishLocked(files, releases, key));
                    return new Keys(key.fingerprint(), key.retiring(), index);
                } finally {
                    opened.close();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Downloads.Index publishLocked(List<Path> files, Path releases, SigningKey key) throws IOException {
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'")
                .format(clock.instant().atZone(java.time.ZoneOffset.UTC));
        Path tree = releases.resolve(stamp);
        Files.createDirectories(tree);
        // Carry over what was published before (hard links: no copies of large files), then add.
        Map<String, Path> installers = new LinkedHashMap<>();
        Path current = dataDir.resolve(Downloads.DIRECTORY);
        new Downloads(dataDir, mapper)
                .index()
                .ifPresent(index -> index.files().forEach(d -> installers.put(d.name(), current.resolve(d.name()))));
        files.forEach(f -> installers.put(f.getFileName().toString(), f));
        List<Downloads.Download> published = new ArrayList<>();
        for (var e : new TreeSet<>(installers.keySet())) {
            Path target = tree.resolve(e);
            Path source = installers.get(e);
            if (source.startsWith(current)) {
                linkOrCopy(source, target); // published before: the same bytes, no second copy
            } else {
                say("copying " + e);
                Files.copy(source, target); // a copy: the build's file may change later
            }
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
        }
        List<Path> rpms = installers.keySet().stream()
                .filter(n -> n.endsWith(".rpm"))
                .map(tree::resolve)
                .toList();
        if (!rpms.isEmpty()) {
            say("signing " + rpms.size() + " rpm(s) with rpmsign");
            // rpmsign rewrites the file: break the hard link to the previous tree first.
            for (Path rpm : rpms) {
                Path copy = rpm.resolveSibling(rpm.getFileName() + ".tmp");
                Files.copy(rpm, copy);
                Files.move(copy, rpm, StandardCopyOption.REPLACE_EXISTING);
            }
            key.signRpms(rpms);
        }
        StringBuilder sums = new StringBuilder();
        for (String name : new TreeSet<>(installers.keySet())) {
            Path file = tree.resolve(name);
            String sha256 = Downloads.sha256(file);
            published.add(Downloads.describe(name, Files.size(file), sha256));
            sums.append(sha256).append("  ").append(name).append('\n');
            Files.writeString(tree.resolve(name + ".sha256"), sha256 + "  " + name + "\n");
            key.detachSign(file, tree.resolve(name + ".asc"), true);
        }
        Files.writeString(tree.resolve("SHA256SUMS"), sums);
        key.detachSign(tree.resolve("SHA256SUMS"), tree.resolve("SHA256SUMS.asc"), true);
        Files.write(tree.resolve(Downloads.KEYRING), key.publicKey(false));
        Files.write(tree.resolve(Downloads.KEY_ASC), key.publicKey(true));
        // A self-signed hub's certificate, for apt's CaInfo (compare its fingerprint with the pin).
        Path cert = dataDir.resolve("tls").resolve(Downloads.HUB_CERT);
        if (Files.isRegularFile(cert)) {
            Files.copy(cert, tree.resolve(Downloads.HUB_CERT));
        }
        boolean apt = aptRepository(tree, key);
        boolean dnf = dnfRepository(tree, key, rpms);
        var index = new Downloads.Index(
                clock.instant().toString(), key.fingerprint(), key.retiring(), apt, dnf, List.copyOf(published));
        Files.write(
                tree.resolve(Downloads.INDEX),
                mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(index));
        makeReadable(tree);
        switchTo(tree, releases);
        say("published " + published.size() + " installer(s); signing key " + key.fingerprint()
                + (key.retiring().isEmpty() ? "" : " (and the retiring " + String.join(", ", key.retiring()) + ")"));
        return index;
    }

    /** apt: pool/main/*.deb, dists/stable/main/binary-ARCH/Packages(.gz), Release, InRelease, Release.gpg. */
    private boolean aptRepository(Path tree, SigningKey key) throws IOException {
        List<Path> debs;
        try (Stream<Path> s = Files.list(tree)) {
            debs = s.filter(p -> p.getFileName().toString().endsWith(".deb"))
                    .sorted()
                    .toList();
        }
        if (debs.isEmpty()) {
            return false;
        }
        say("apt repository (apt-ftparchive)");
        Path apt = tree.resolve("apt");
        Path pool = apt.resolve("pool").resolve("main");
        Files.createDirectories(pool);
        TreeSet<String> arches = new TreeSet<>();
        for (Path deb : debs) {
            Files.createLink(pool.resolve(deb.getFileName()), deb);
            String name = deb.getFileName().toString();
            arches.add(name.substring(name.lastIndexOf('_') + 1, name.length() - ".deb".length()));
        }
        Path dist = apt.resolve("dists").resolve(SUITE);
        for (String arch : arches) {
            Path dir = dist.resolve("main").resolve("binary-" + arch);
            Files.createDirectories(dir);
            byte[] packages = ExternalTool.run(
                    List.of("apt-ftparchive", "--arch", arch, "packages", "pool/main"), "apt-utils", apt, null);
            Files.write(dir.resolve("Packages"), packages);
            try (var out = new GZIPOutputStream(Files.newOutputStream(dir.resolve("Packages.gz")))) {
                out.write(packages);
            }
        }
        byte[] release = ExternalTool.run(
                List.of(
                        "apt-ftparchive",
                        "-o",
                        "APT::FTPArchive::Release::Origin=EngineX",
                        "-o",
                        "APT::FTPArchive::Release::Label=EngineX Edge agent",
                        "-o",
                        "APT::FTPArchive::Release::Suite=" + SUITE,
                        "-o",
                        "APT::FTPArchive::Release::Codename=" + SUITE,
                        "-o",
                        "APT::FTPArchive::Release::Architectures=" + String.join(" ", arches),
                        "-o",
                        "APT::FTPArchive::Release::Components=main",
                        "-o",
                        "APT::FTPArchive::Release::Description=EngineX Edge agent packages from this hub",
                        "release",
                        "."),
                "apt-utils",
                dist,
                null);
        Files.write(dist.resolve("Release"), release);
        key.clearSign(dist.resolve("Release"), dist.resolve("InRelease"));
        key.detachSign(dist.resolve("Release"), dist.resolve("Release.gpg"), true);
        return true;
    }

    /** dnf/yum: rpm/*.rpm and rpm/repodata (createrepo_c), repomd.xml signed (repomd.xml.asc). */
    private boolean dnfRepository(Path tree, SigningKey key, List<Path> rpms) throws IOException {
        if (rpms.isEmpty()) {
            return false;
        }
        say("dnf repository (createrepo_c)");
        Path dir = tree.resolve("rpm");
        Files.createDirectories(dir);
        for (Path rpm : rpms) {
            Files.createLink(dir.resolve(rpm.getFileName()), rpm);
        }
        ExternalTool.run(
                List.of("createrepo_c", "--quiet", "--simple-md-filenames", dir.toString()),
                "createrepo-c",
                null,
                null);
        Path repomd = dir.resolve("repodata").resolve("repomd.xml");
        key.detachSign(repomd, repomd.resolveSibling("repomd.xml.asc"), true);
        return true;
    }

    /** Points downloads at {@code tree} (atomic rename of a new link over the old) and drops old trees. */
    private void switchTo(Path tree, Path releases) throws IOException {
        Path link = dataDir.resolve(Downloads.DIRECTORY);
        if (Files.exists(link, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(link)) {
            throw new IllegalStateException(link + " is not a link made by engine packages publish; move it away");
        }
        Path previous = Files.isSymbolicLink(link) ? Files.readSymbolicLink(link) : null;
        Path temp = dataDir.resolve("." + Downloads.DIRECTORY + ".new");
        Files.deleteIfExists(temp);
        Files.createSymbolicLink(temp, dataDir.relativize(tree));
        Files.move(temp, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        // Keep the previous tree (a download in progress may still read it); delete older ones.
        try (Stream<Path> s = Files.list(releases)) {
            for (Path old : s.filter(Files::isDirectory).toList()) {
                boolean keep = old.equals(tree)
                        || (previous != null
                                && dataDir.resolve(previous).normalize().equals(old));
                if (!keep) {
                    deleteTree(old);
                }
            }
        }
    }

    private void check(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + " is not a file");
        }
        String name = file.getFileName().toString();
        Downloads.describe(name, 0, "");
        byte[] expected = switch (name.substring(name.lastIndexOf('.') + 1)) {
            case "deb" -> DEB_MAGIC;
            case "rpm" -> RPM_MAGIC;
            case "msi" -> MSI_MAGIC;
            default -> PKG_MAGIC;
        };
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(expected.length);
            if (!java.util.Arrays.equals(head, expected)) {
                throw new IllegalArgumentException(
                        file + " is named like an installer but its content is not one; publish the built file");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static void linkOrCopy(Path from, Path to) throws IOException {
        try {
            Files.createLink(to, from);
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The tree is public (served to anyone): directories 0755, files 0644, whatever the umask. */
    private static void makeReadable(Path tree) throws IOException {
        try (Stream<Path> s = Files.walk(tree)) {
            for (Path p : s.toList()) {
                Files.setPosixFilePermissions(
                        p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private void say(String what) {
        progress.println("==> " + what);
        progress.flush();
    }
}
