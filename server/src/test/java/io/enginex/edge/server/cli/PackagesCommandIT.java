package io.enginex.edge.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.server.testing.Browser;
import io.enginex.edge.server.testing.TestHub;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code engine packages publish} with the real tools (gpg, apt-ftparchive, dpkg-deb makes a real small
 * .deb), then the hub serves /downloads/: the index, the checksums, a Release signed with the key it
 * serves (checked by gpgv, not by our code), and nothing outside the published tree.
 */
class PackagesCommandIT {
    @TempDir
    static Path dir;

    static TestHub hub;
    static Path deb;

    @BeforeAll
    static void start() throws Exception {
        hub = TestHub.start(dir.resolve("hub"));
        deb = smallDeb(dir.resolve("build"), "0.1.0");
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    @Test
    void publishedDebIsServedWithChecksumSignatureAndASignedAptRepository() throws Exception {
        var run = CommandRun.run("packages", "publish", "--data-dir", dataDir().toString(), deb.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("enginex-agent_0.1.0_amd64.deb").contains("apt: yes");

        var index = get("/downloads");
        assertThat(index.statusCode()).isEqualTo(200);
        String sha256 = java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(deb)));
        assertThat(new String(index.body(), StandardCharsets.UTF_8))
                .contains("\"name\" : \"enginex-agent_0.1.0_amd64.deb\"")
                .contains(sha256);
        assertThat(get("/downloads/enginex-agent_0.1.0_amd64.deb").body()).isEqualTo(Files.readAllBytes(deb));
        assertThat(new String(get("/downloads/SHA256SUMS").body(), StandardCharsets.UTF_8))
                .isEqualTo(sha256 + "  enginex-agent_0.1.0_amd64.deb\n");

        Path keyring = save("/downloads/enginex-archive-keyring.gpg", "keyring.gpg");
        Path inRelease = save("/downloads/apt/dists/stable/InRelease", "InRelease");
        Path sums = save("/downloads/SHA256SUMS", "SHA256SUMS");
        Path sumsSig = save("/downloads/SHA256SUMS.asc", "SHA256SUMS.asc");
        assertThat(gpgv(keyring, inRelease))
                .as("InRelease verifies with the served key")
                .isZero();
        assertThat(gpgv(keyring, sumsSig, sums)).as("SHA256SUMS.asc verifies").isZero();
        Files.writeString(sums, "0000  tampered\n");
        assertThat(gpgv(keyring, sumsSig, sums))
                .as("a changed file does not verify")
                .isNotZero();
        assertThat(new String(
                        get("/downloads/apt/dists/stable/main/binary-amd64/Packages")
                                .body(),
                        StandardCharsets.UTF_8))
                .contains("Package: enginex-agent")
                .contains("Filename: pool/main/enginex-agent_0.1.0_amd64.deb")
                .contains("SHA256: " + sha256);
    }

    @Test
    void theDownloadsPageShowsThePublishedFilesAndFillsATokenIntoTheAptCommands() throws Exception {
        CommandRun.run("packages", "publish", "--data-dir", dataDir().toString(), deb.toString());
        String tenant = hub.newTenant();
        String viewerEmail = TestHub.randomId("v") + "@example.com";
        String operatorEmail = TestHub.randomId("o") + "@example.com";
        var viewer = new Browser(hub.url()).signIn(viewerEmail, password(tenant, viewerEmail, "viewer"));
        assertThat(viewer.get("/ui/downloads").statusCode()).isEqualTo(403);
        var ops = new Browser(hub.url()).signIn(operatorEmail, password(tenant, operatorEmail, "operator"));
        String page = ops.get("/ui/downloads").body();
        String fingerprint = new String(get("/downloads").body(), StandardCharsets.UTF_8)
                .replaceAll("(?s).*\"keyFingerprint\" : \"([0-9A-F]{40})\".*", "$1");
        assertThat(page)
                .contains("enginex-agent_0.1.0_amd64.deb")
                .contains(fingerprint)
                .contains("URIs: " + hub.url() + "/downloads/apt")
                .contains("token = &lt;token&gt;")
                .contains("apt-get install -y enginex-agent");
        var created = ops.post(
                "/ui/registration/tokens",
                java.util.Map.of("csrf", Browser.csrf(page), "ttlSeconds", "86400", "maxUses", "1000"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        var secret = java.util.regex.Pattern.compile("id=\"token-secret\">(exr_[^<]+)<")
                .matcher(created.body());
        assertThat(secret.find()).isTrue();
        assertThat(created.body())
                .contains("token = " + secret.group(1))
                .contains("URIs: " + hub.url() + "/downloads/apt")
                .contains("Signed-By: /etc/apt/keyrings/enginex-agent.gpg");
    }

    private static String password(String tenant, String email, String role) {
        var r = hub.api()
                .post(
                        "/api/v1/tenants/" + tenant + "/users",
                        hub.platformKey(),
                        java.util.Map.of("email", email, "role", role, "password", TestHub.USER_PASSWORD));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return TestHub.USER_PASSWORD;
    }

    @Test
    void nothingOutsideThePublishedTreeIsServed() throws Exception {
        CommandRun.run("packages", "publish", "--data-dir", dataDir().toString(), deb.toString());
        for (String path : List.of(
                "/downloads/../hub.secret",
                "/downloads/%2e%2e/hub.secret",
                "/downloads/..%2fhub.secret",
                "/downloads/apt/../../hub.secret",
                "/downloads/.x",
                "/downloads/apt/dists",
                "/downloads/nope.deb")) {
            var answer = get(path);
            assertThat(answer.statusCode()).as(path).isIn(400, 404);
            assertThat(new String(answer.body(), StandardCharsets.UTF_8))
                    .as(path)
                    .doesNotContain("hub.secret\u0000");
        }
        assertThat(new String(get("/downloads/nope.deb").body(), StandardCharsets.UTF_8))
                .contains("download_not_found");
    }

    @Test
    void aFileThatIsNotAnInstallerIsRefusedAndNothingIsPublished() throws Exception {
        Path fake = dir.resolve("enginex-agent_9.9.9_amd64.deb");
        Files.writeString(fake, "not a package");
        var run = CommandRun.run("packages", "publish", "--data-dir", dataDir().toString(), fake.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("its content is not one");
        Path other = dir.resolve("setup.exe");
        Files.writeString(other, "MZ");
        run = CommandRun.run("packages", "publish", "--data-dir", dataDir().toString(), other.toString());
        assertThat(run.err()).contains("is not an agent installer");
        assertThat(new String(get("/downloads").body(), StandardCharsets.UTF_8)).doesNotContain("9.9.9");
    }

    private static Path dataDir() {
        return dir.resolve("hub");
    }

    /**
     * A key rotation as IT runs it, checked by the real apt (file: repository, signed-by keyrings) and gpgv:
     * a machine that trusts only the old key keeps updating during the rotation, one given the new key
     * updates too, and once the old key is retired only the new key's machines update.
     */
    @Test
    void aKeyRotationKeepsEveryMachineUpdatingUntilTheOldKeyIsRetired() throws Exception {
        Path data = dir.resolve("rotation");
        Files.createDirectories(data);
        io.enginex.edge.server.auth.HubSecret.loadOrCreate(
                data.resolve("hub.secret"), new java.security.SecureRandom());
        String dataDir = data.toString();
        var run = CommandRun.run("packages", "publish", "--data-dir", dataDir, deb.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        String oldKey = fingerprint(
                CommandRun.run("packages", "key", "--data-dir", dataDir).out());
        Path oldKeyring = Files.copy(data.resolve("downloads/enginex-archive-keyring.gpg"), dir.resolve("old.gpg"));
        assertThat(aptUpdate(data, oldKeyring)).as("before the rotation").isZero();

        run = CommandRun.run("packages", "key", "rotate", "--data-dir", dataDir);
        assertThat(run.exitCode()).as(run.err()).isZero();
        var key = CommandRun.run("packages", "key", "--data-dir", dataDir).out();
        String newKey = fingerprint(key);
        assertThat(newKey).isNotEqualTo(oldKey);
        assertThat(key).contains("Retiring: " + oldKey);
        assertThat(run.out()).contains("New key in use: " + newKey).contains("engine packages key retire");
        assertThat(Files.readString(data.resolve("downloads/index.json"))).contains(oldKey);
        Path bothKeys = data.resolve("downloads/enginex-archive-keyring.gpg");
        Path newKeyring = onlyKey(bothKeys, newKey, "new.gpg");
        assertThat(aptUpdate(data, oldKeyring))
                .as("a machine that has only the old key")
                .isZero();
        assertThat(aptUpdate(data, newKeyring))
                .as("a machine given the new key")
                .isZero();
        Path downloads = data.resolve("downloads");
        assertThat(gpgv(bothKeys, downloads.resolve("SHA256SUMS.asc"), downloads.resolve("SHA256SUMS")))
                .as("the served keyring checks both signatures")
                .isZero();

        run = CommandRun.run("packages", "key", "retire", "--data-dir", dataDir, newKey);
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("is the key in use").contains("rotate first");
        run = CommandRun.run("packages", "key", "retire", "--data-dir", dataDir, oldKey);
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(CommandRun.run("packages", "key", "--data-dir", dataDir).out())
                .doesNotContain("Retiring");
        assertThat(aptUpdate(data, oldKeyring)).as("the old key is retired").isNotZero();
        assertThat(aptUpdate(data, newKeyring)).as("the new key").isZero();
        assertThat(gpgv(oldKeyring, downloads.resolve("SHA256SUMS.asc"), downloads.resolve("SHA256SUMS")))
                .isNotZero();
    }

    private static String fingerprint(String keyOutput) {
        return keyOutput
                .lines()
                .filter(l -> l.startsWith("Fingerprint: "))
                .findFirst()
                .orElseThrow()
                .substring("Fingerprint: ".length());
    }

    /** A keyring with one key of {@code keyring}, as a machine that was given only that key has. */
    private static Path onlyKey(Path keyring, String fingerprint, String name) throws Exception {
        Path home = Files.createTempDirectory(dir, "gnupg");
        exec(List.of("gpg", "--homedir", home.toString(), "--batch", "--quiet", "--import", keyring.toString()));
        Path out = dir.resolve(name);
        exec(List.of(
                "gpg",
                "--homedir",
                home.toString(),
                "--batch",
                "--quiet",
                "--output",
                out.toString(),
                "--export",
                fingerprint));
        return out;
    }

    /** The real apt-get update of the published apt repository, trusting only {@code keyring}; its exit code. */
    private static int aptUpdate(Path data, Path keyring) throws Exception {
        Path apt = Files.createTempDirectory(dir, "apt");
        Files.createDirectories(apt.resolve("lists/partial"));
        Files.createDirectories(apt.resolve("cache/archives/partial"));
        Files.createDirectories(apt.resolve("parts"));
        Files.writeString(
                apt.resolve("sources.list"),
                "deb [signed-by=" + keyring + "] file:" + data.resolve("downloads/apt") + " stable main\n");
        return exec(List.of(
                "apt-get",
                "update",
                "--error-on=any",
                "-o",
                "Dir::Etc::SourceList=" + apt.resolve("sources.list"),
                "-o",
                "Dir::Etc::SourceParts=" + apt.resolve("parts"),
                "-o",
                "Dir::State::Lists=" + apt.resolve("lists"),
                "-o",
                "Dir::Cache=" + apt.resolve("cache"),
                "-o",
                "Debug::NoLocking=1",
                "-o",
                "APT::Sandbox::User=" + System.getProperty("user.name")));
    }

    private static int exec(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int code = p.waitFor();
        System.out.println(String.join(" ", command) + " -> " + code + "\n" + out);
        return code;
    }

    private static HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
        return hub.http()
                .send(
                        HttpRequest.newBuilder(URI.create(hub.url() + path)).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
    }

    private static Path save(String path, String name) throws Exception {
        var answer = get(path);
        assertThat(answer.statusCode()).as(path).isEqualTo(200);
        Path file = dir.resolve(name);
        Files.write(file, answer.body());
        return file;
    }

    private static int gpgv(Path keyring, Path... files) throws Exception {
        var command = new java.util.ArrayList<>(List.of("gpgv", "--keyring", keyring.toString()));
        for (Path f : files) {
            command.add(f.toString());
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        return p.waitFor();
    }

    /** A real, minimal .deb named as the packaging build names the agent's. */
    static Path smallDeb(Path buildDir, String version) throws Exception {
        Path root = buildDir.resolve("root");
        Files.createDirectories(root.resolve("DEBIAN"));
        Files.createDirectories(root.resolve("usr/share/doc/enginex-agent"));
        Files.writeString(root.resolve("usr/share/doc/enginex-agent/README"), "test package\n");
        Files.writeString(
                root.resolve("DEBIAN/control"),
                "Package: enginex-agent\nVersion: " + version + "\nArchitecture: amd64\n"
                        + "Maintainer: EngineX <support@enginex.invalid>\nDescription: test package\n test\n");
        Path deb = buildDir.resolve("enginex-agent_" + version + "_amd64.deb");
        Process p = new ProcessBuilder("dpkg-deb", "--root-owner-group", "--build", root.toString(), deb.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        return deb;
    }
}
