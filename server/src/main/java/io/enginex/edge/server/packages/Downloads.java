package io.enginex.edge.server.packages;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the hub serves under {@code /downloads/}: the agent's installers that {@code engine packages
 * publish} put in {@code <data-dir>/downloads} (a symbolic link to the latest published tree), their
 * checksums and signatures, the package signing key, and the apt and dnf repositories. Read-only here;
 * {@link Publisher} writes. Thread-safe (reads the files each time).
 *
 * <pre>
 * downloads/
 *   index.json                           what is published (this class's {@link Index})
 *   SHA256SUMS, SHA256SUMS.asc           every installer's checksum, and its signature
 *   enginex-agent_0.1.0_amd64.deb(.asc)  each installer and its detached signature
 *   enginex-archive-keyring.gpg / .asc   the signing key (binary for apt, armored for rpm and dnf)
 *   hub-cert.pem                         a self-signed hub's certificate (for apt's CaInfo)
 *   apt/dists/stable/InRelease …         the apt repository (suite stable, component main)
 *   rpm/repodata/repomd.xml(.asc) …      the dnf/yum repository
 * </pre>
 */
public final class Downloads {
    public static final String DIRECTORY = "downloads";
    static final String INDEX = "index.json";
    static final String KEYRING = "enginex-archive-keyring.gpg";
    static final String KEY_ASC = "enginex-archive-keyring.asc";
    /** The self-signed hub's certificate (as in the data directory's tls/), when it has one. */
    public static final String HUB_CERT = "hub-cert.pem";

    private static final Pattern NAME =
            Pattern.compile("enginex-agent(?:[_-])(?<version>[0-9][0-9A-Za-z.+~]*)(?:-(?<release>[0-9]+))?"
                    + "(?:[_.](?<arch>amd64|arm64|x86_64|aarch64|x64))?\\.(?<kind>deb|rpm|msi|pkg)");

    /** One published installer. */
    public record Download(String name, String kind, String arch, String version, long size, String sha256) {}

    /**
     * What is published.
     *
     * @param keyFingerprint the package signing key's fingerprint (the newest key, in use)
     * @param retiringKeys older keys that still sign beside it during a rotation (empty outside one)
     * @param apt whether an apt repository is served (a .deb was published)
     * @param dnf whether a dnf repository is served (an .rpm was published and createrepo_c ran)
     */
    public record Index(
            String publishedAt,
            String keyFingerprint,
            List<String> retiringKeys,
            boolean apt,
            boolean dnf,
            List<Download> files) {
        public Index {
            retiringKeys = retiringKeys == null ? List.of() : List.copyOf(retiringKeys); // published before rotation
        }

        public Optional<Download> newest(String kind) {
            return files.stream().filter(d -> d.kind().equals(kind)).reduce((a, b) -> b);
        }
    }

    private final Path root;
    private final ObjectMapper mapper;

    public Downloads(Path dataDir, ObjectMapper mapper) {
        this.root = dataDir.resolve(DIRECTORY);
        this.mapper = mapper;
    }

    /** The published index, or empty when nothing was published. */
    public Optional<Index> index() {
        Path file = root.resolve(INDEX);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(mapper.readValue(file.toFile(), Index.class));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The file served at {@code /downloads/<relative>}, or empty: only regular files inside the tree, no
     * hidden names (a dot after a slash), nothing outside it whatever the path says.
     */
    public Optional<Path> file(String relative) {
        if (relative.isEmpty() || relative.startsWith("/") || relative.contains("\\") || relative.contains("\0")) {
            return Optional.empty();
        }
        for (String part : relative.split("/", -1)) {
            if (part.isEmpty() || part.startsWith(".")) {
                return Optional.empty();
            }
        }
        try {
            Path base = root.toRealPath();
            Path file = base.resolve(relative).normalize();
            if (!file.startsWith(base) || !Files.isRegularFile(file)) {
                return Optional.empty();
            }
            Path real = file.toRealPath();
            return real.startsWith(base) ? Optional.of(real) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The content type a file is served with. */
    public static String contentType(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".json")) {
            return "application/json";
        } else if (name.endsWith(".asc")
                || name.endsWith("sums")
                || name.endsWith("release")
                || name.equals("packages")
                || name.endsWith(".sha256")) {
            return "text/plain; charset=utf-8";
        } else if (name.endsWith(".xml")) {
            return "application/xml";
        } else if (name.endsWith(".gz")) {
            return "application/gzip";
        } else if (name.endsWith(".deb")) {
            return "application/vnd.debian.binary-package";
        } else if (name.endsWith(".rpm")) {
            return "application/x-rpm";
        }
        return "application/octet-stream";
    }

    /**
     * Parses an installer's file name.
     *
     * @throws IllegalArgumentException naming the expected form when {@code name} is not an agent installer
     */
    static Download describe(String name, long size, String sha256) {
        Matcher m = NAME.matcher(name);
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    name + " is not an agent installer: expected a name like"
                            + " enginex-agent_0.1.0_amd64.deb, enginex-agent-0.1.0-1.x86_64.rpm, enginex-agent-0.1.0.msi or"
                            + " enginex-agent-0.1.0.pkg (as packaging/build-packages.sh and the installers workflow make them)");
        }
        String arch = m.group("arch") == null ? "" : m.group("arch");
        return new Download(name, m.group("kind"), arch, m.group("version"), size, sha256);
    }

    static String sha256(Path file) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of()
                    .formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
