package io.enginex.edge.server.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.protocol.CertificateFingerprint;
import io.enginex.edge.server.Hub;
import io.enginex.edge.server.config.HubFile;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Options every client command shares: where the hub is, which API key to use and how to trust its
 * certificate. Defaults come from the data directory of a hub on this machine.
 */
final class ClientOptions {
    static final String DEFAULT_SERVER = "https://127.0.0.1:8443";

    @Option(
            names = "--server",
            paramLabel = "URL",
            description = "Hub URL. Default: the url in <data-dir>/hub.json, else " + DEFAULT_SERVER + ".")
    String server;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            defaultValue = "${env:ENGINEX_HOME:-enginex-data}",
            description = "Data directory of a local hub, for hub.json and admin.key. Default: $ENGINEX_HOME, "
                    + "else ./enginex-data.")
    Path dataDir;

    @Option(
            names = "--api-key",
            paramLabel = "KEY",
            description = "API key (exk_…). Default: $ENGINEX_API_KEY, else the platform key in "
                    + "<data-dir>/admin.key. Prefer the environment: command lines are visible to other users.")
    String apiKey;

    @Option(
            names = "--pin",
            paramLabel = "sha256:…",
            description = "Trust only the hub certificate with this SHA-256 fingerprint (engine serve prints it). "
                    + "Default: the fingerprint in <data-dir>/hub.json when talking to that hub.")
    String pin;

    @Option(
            names = "--ca-file",
            paramLabel = "PEM",
            description = "Trust hub certificates issued by the CA certificates in this PEM file.")
    Path caFile;

    @Option(names = "--json", description = "Print the hub's JSON answer instead of text.")
    boolean json;

    /** Connects a client per these options. */
    HubClient client(ObjectMapper mapper) {
        Optional<HubFile> local = readHubFile(mapper);
        URI base = URI.create(
                stripSlash(server != null ? server : local.map(HubFile::url).orElse(DEFAULT_SERVER)));
        if (!"https".equals(base.getScheme()) && !"http".equals(base.getScheme())) {
            throw new CliException("--server must be an http:// or https:// URL; got " + base, CliException.USAGE);
        }
        String fingerprint = pinFor(base, local);
        var key = apiKey();
        return new HubClient(base, key.secret(), key.source(), fingerprint, caFile, mapper);
    }

    /** The fingerprint to pin, if any: --pin, else the local hub.json's when talking to that hub. */
    String pinFor(URI base, Optional<HubFile> local) {
        if (pin != null) {
            try {
                return CertificateFingerprint.normalize(pin);
            } catch (IllegalArgumentException e) {
                throw new CliException(e.getMessage(), CliException.USAGE);
            }
        }
        if (caFile != null) {
            return null;
        }
        return local.filter(h -> h.fingerprint() != null && stripSlash(h.url()).equals(base.toString()))
                .map(HubFile::fingerprint)
                .orElse(null);
    }

    record Key(String secret, String source) {
        @Override
        public String toString() {
            return "Key[source=" + source + ", secret=****]";
        }
    }

    Key apiKey() {
        if (apiKey != null && !apiKey.isBlank()) {
            return new Key(apiKey.trim(), "--api-key");
        }
        String env = System.getenv("ENGINEX_API_KEY");
        if (env != null && !env.isBlank()) {
            return new Key(env.trim(), "$ENGINEX_API_KEY");
        }
        Path file = dataDir.resolve(Hub.ADMIN_KEY_FILE);
        try {
            return new Key(Files.readString(file, StandardCharsets.US_ASCII).trim(), file.toString());
        } catch (NoSuchFileException e) {
            throw new CliException("no API key: pass --api-key, set ENGINEX_API_KEY, or point --data-dir at the hub's "
                    + "data directory (its admin.key was not found at " + file + ")");
        } catch (IOException e) {
            throw new CliException("cannot read the API key from " + file + ": " + e.getMessage());
        }
    }

    Optional<HubFile> readHubFile(ObjectMapper mapper) {
        Path file = HubFile.in(dataDir);
        try {
            return HubFile.read(file, mapper);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
