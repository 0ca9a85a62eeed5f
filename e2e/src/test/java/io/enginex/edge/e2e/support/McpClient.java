package io.enginex.edge.e2e.support;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code src/test/mcp-client/client.mjs} or {@code oauth-client.mjs} (the official MCP TypeScript SDK's client, installed by
 * {@code npm ci} in scripts/test-prereqs.sh) against a hub's {@code /mcp} as a separate Node process:
 * one MCP session per run, each step's answer one JSON line.
 */
public final class McpClient {
    private final HubProcess hub;
    private final Path logDir;

    public McpClient(HubProcess hub, Path logDir) {
        this.hub = hub;
        this.logDir = logDir;
    }

    /** Runs the steps ({@code list}, {@code call NAME JSON}) with {@code apiKey}; one line per step, after connect. */
    public List<JsonNode> run(String apiKey, String... steps) {
        List<JsonNode> lines = launch("client.mjs", List.of(apiKey), steps);
        return lines.subList(1, lines.size());
    }

    /**
     * Runs the steps with the SDK's own OAuth client ({@code oauth-client.mjs}): it registers, the
     * script signs in as {@code email} on the dashboard and allows on the consent page, and the SDK
     * redeems the code. The first line is the connect line (client id, what the consent page showed);
     * then one line per step.
     */
    public List<JsonNode> runWithOAuth(String email, String password, String... steps) {
        return launch("oauth-client.mjs", List.of(email, password), steps);
    }

    private List<JsonNode> launch(String script, List<String> credentials, String... steps) {
        Path dir = Path.of(System.getProperty("enginex.mcp.client", "src/test/mcp-client"))
                .toAbsolutePath();
        if (!Files.isDirectory(dir.resolve("node_modules/@modelcontextprotocol/sdk"))) {
            throw new IllegalStateException("the MCP test client is not installed; run scripts/test-prereqs.sh"
                    + " (or: npm ci --prefix " + dir + ")");
        }
        List<String> command = new ArrayList<>(List.of("node", script, hub.url() + "/mcp"));
        command.addAll(credentials);
        command.addAll(List.of(steps));
        try {
            Files.createDirectories(logDir);
            Path err = Files.createTempFile(logDir, "mcp-client-", ".log");
            var builder = new ProcessBuilder(command).directory(dir.toFile()).redirectError(err.toFile());
            // The hub's self-signed certificate (names 127.0.0.1), trusted by Node like a private CA.
            builder.environment()
                    .put(
                            "NODE_EXTRA_CA_CERTS",
                            hub.dataDir().resolve("tls/hub-cert.pem").toString());
            Process p = builder.start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("the MCP client did not finish in 120 s; stderr in " + err);
            }
            List<JsonNode> lines = new ArrayList<>();
            for (String line : out.split("\n")) {
                if (!line.isBlank()) {
                    lines.add(Json.parse(line));
                }
            }
            if (lines.isEmpty() || lines.get(0).has("error")) {
                throw new IllegalStateException(
                        "the MCP client could not connect: " + out + " (stderr: " + Files.readString(err) + ")");
            }
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
