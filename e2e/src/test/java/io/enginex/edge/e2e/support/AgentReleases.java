package io.enginex.edge.e2e.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Release archives of the agent as the updater installs them: {@code enginex-agent.jar} (the built jar
 * with {@code Implementation-Version} set to the release's version, which is what the agent reports)
 * and its {@code lib/}, packed by the system's {@code tar} as {@code enginex-agent-<v>-linux-x64.tar.gz}.
 * The libraries are hard links to the built ones and gzip runs at its fastest level (the jars inside are
 * compressed already): a test builds several releases, and each second counts. Safe to call from several
 * threads for different versions.
 */
public final class AgentReleases {
    private AgentReleases() {}

    public static Path build(String version, Path dir) {
        Path jar = Jvm.agentJar();
        Path staging = dir.resolve("staging-" + version);
        try {
            Files.createDirectories(staging.resolve("lib"));
            try (var libs = Files.list(jar.getParent().resolve("lib"))) {
                for (Path lib : libs.toList()) {
                    Path link = staging.resolve("lib").resolve(lib.getFileName());
                    try {
                        Files.createLink(link, lib);
                    } catch (IOException | UnsupportedOperationException e) {
                        Files.copy(lib, link); // another file system than the build's
                    }
                }
            }
            try (JarFile in = new JarFile(jar.toFile())) {
                Manifest manifest = new Manifest(in.getManifest());
                manifest.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, version);
                try (JarOutputStream out =
                        new JarOutputStream(Files.newOutputStream(staging.resolve("enginex-agent.jar")), manifest)) {
                    for (JarEntry e : in.stream().toList()) {
                        if (e.getName().equals("META-INF/MANIFEST.MF")) {
                            continue;
                        }
                        out.putNextEntry(new JarEntry(e.getName()));
                        try (InputStream data = in.getInputStream(e)) {
                            data.transferTo(out);
                        }
                        out.closeEntry();
                    }
                }
            }
            Path archive = dir.resolve("enginex-agent-" + version + "-linux-x64.tar.gz");
            Process tar = new ProcessBuilder(
                            List.of("tar", "-I", "gzip -1", "-cf", archive.toString(), "-C", staging.toString(), "."))
                    .inheritIO()
                    .start();
            if (!tar.waitFor(120, TimeUnit.SECONDS) || tar.exitValue() != 0) {
                throw new IllegalStateException("tar could not pack " + staging);
            }
            return archive;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
