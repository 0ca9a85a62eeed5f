package io.enginex.edge.agent.update;

import io.enginex.edge.common.tuf.TufJson;
import io.enginex.edge.common.update.ReleaseVersion;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * A self-updating installation, versions side by side:
 *
 * <pre>
 * &lt;home&gt;/versions/1.4.0/…     one directory per installed version (a release unpacked)
 * &lt;home&gt;/current → versions/1.4.0   the symbolic link the service starts from
 * &lt;home&gt;/downloads/             verified and partial downloads
 * &lt;home&gt;/update-state.json      {@link UpdaterState}
 * </pre>
 *
 * Every step leaves a state a restart can run from: a version is unpacked into a temporary directory
 * and renamed into place; the switch replaces {@code current} with one rename (atomic on POSIX file
 * systems), after {@code update-state.json} records it as pending. A release file ending {@code .jar}
 * is placed as {@code enginex-agent.jar}; {@code .zip} is unpacked here, {@code .tar.gz}/{@code .tgz} by
 * the system's {@code tar}.
 */
public final class ReleaseHome {
    public static final String JAR = "enginex-agent.jar";
    private final Path home;

    public ReleaseHome(Path home) {
        this.home = home.toAbsolutePath().normalize();
    }

    public Path home() {
        return home;
    }

    public Path versions() {
        return home.resolve("versions");
    }

    public Path downloads() {
        return home.resolve("downloads");
    }

    public Path current() {
        return home.resolve("current");
    }

    Path stateFile() {
        return home.resolve("update-state.json");
    }

    /** The version {@code current} points at, or null when it is missing or not a symbolic link. */
    public String currentVersion() {
        try {
            Path target = Files.readSymbolicLink(current());
            return target.getFileName().toString();
        } catch (NoSuchFileException | java.nio.file.NotLinkException e) {
            return null;
        } catch (IOException e) {
            throw new UpdateException("cannot read " + current() + ": " + e.getMessage(), e);
        }
    }

    public boolean installed(String version) {
        return Files.isDirectory(versions().resolve(version));
    }

    /**
     * Makes the version a package installed ({@code dir}: its application folder, holding {@code
     * enginex-agent.jar} and {@code lib/} as a release does) the first version of this home: {@code
     * versions/<version>} links to it and {@code current} points at it, so that the first switch has a
     * version to roll back to. Does nothing when {@code current} exists already.
     */
    public void adopt(String version, Path dir) {
        ReleaseVersion.parse(version);
        if (currentVersion() != null) {
            return;
        }
        if (!Files.isRegularFile(dir.resolve(JAR))) {
            throw new UpdateException(dir + " holds no " + JAR + "; the installed version cannot be adopted");
        }
        try {
            Files.createDirectories(versions());
            if (!installed(version)) {
                Files.createSymbolicLink(versions().resolve(version), dir.toAbsolutePath());
            }
        } catch (IOException e) {
            throw new UpdateException("cannot adopt " + dir + " as version " + version + ": " + e.getMessage(), e);
        }
        switchTo(version);
    }

    /** Unpacks {@code release} as {@code version} (nothing if it is there already). */
    public Path install(String version, Path release) {
        ReleaseVersion.parse(version);
        Path dest = versions().resolve(version);
        if (Files.isDirectory(dest)) {
            return dest;
        }
        try {
            Files.createDirectories(versions());
            Path temp = Files.createTempDirectory(versions(), "." + version + "-");
            try {
                String name = release.getFileName().toString();
                if (name.endsWith(".jar")) {
                    Files.copy(release, temp.resolve(JAR));
                } else if (name.endsWith(".zip")) {
                    unzip(release, temp);
                } else if (name.endsWith(".tar.gz") || name.endsWith(".tgz")) {
                    untar(release, temp);
                } else {
                    throw new UpdateException(
                            "release file " + name + " is not .jar, .zip or .tar.gz; the agent cannot install it");
                }
                Files.move(temp, dest, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                deleteTree(temp);
            }
            return dest;
        } catch (IOException e) {
            throw new UpdateException("cannot install " + version + " into " + dest + ": " + e.getMessage(), e);
        }
    }

    /** Points {@code current} at {@code version} with one rename. */
    public void switchTo(String version) {
        if (!installed(version)) {
            throw new UpdateException("version " + version + " is not installed in " + versions());
        }
        try {
            Path link = home.resolve(".current-" + version + ".new");
            Files.deleteIfExists(link);
            Files.createSymbolicLink(link, Path.of("versions", version));
            Files.move(link, current(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UpdateException("cannot point " + current() + " at " + version + ": " + e.getMessage(), e);
        }
    }

    UpdaterState readState() {
        try {
            return UpdaterState.fromJson(
                    TufJson.parse(Files.readAllBytes(stateFile()), stateFile().toString()));
        } catch (NoSuchFileException e) {
            return UpdaterState.EMPTY;
        } catch (IOException e) {
            throw new UpdateException("cannot read " + stateFile() + ": " + e.getMessage(), e);
        }
    }

    void writeState(UpdaterState state) {
        try {
            Files.createDirectories(home);
            Path temp = Files.createTempFile(home, ".update-state", ".tmp");
            try {
                Files.write(
                        temp, TufJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(state.toJson()));
                Files.move(temp, stateFile(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new UpdateException("cannot write " + stateFile() + ": " + e.getMessage(), e);
        }
    }

    private static void unzip(Path zip, Path into) throws IOException {
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                Path out = into.resolve(e.getName()).normalize();
                if (!out.startsWith(into)) {
                    throw new UpdateException("release archive entry " + e.getName() + " points outside its directory");
                }
                if (e.isDirectory()) {
                    Files.createDirectories(out);
                } else {
                    Files.createDirectories(out.getParent());
                    Files.copy(in, out);
                }
            }
        }
    }

    private static void untar(Path archive, Path into) throws IOException {
        // The archive's bytes were verified against the signed hash before this runs.
        Process tar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", into.toString(), "--no-same-owner")
                .redirectErrorStream(true)
                .start();
        try (InputStream out = tar.getInputStream()) {
            String text = new String(out.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!tar.waitFor(10, TimeUnit.MINUTES) || tar.exitValue() != 0) {
                throw new UpdateException("tar could not unpack " + archive + ": " + text.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            tar.destroyForcibly();
            throw new UpdateException("interrupted while unpacking " + archive, e);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
