package io.enginex.edge.agent.sandbox.adversarial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.sun.net.httpserver.HttpServer;
import io.enginex.edge.agent.network.NetworkGuard;
import io.enginex.edge.agent.network.PinnedHttpClient;
import io.enginex.edge.agent.policy.NetworkRule;
import io.enginex.edge.agent.tools.HttpRequestTool;
import io.enginex.edge.agent.tools.ToolContext;
import io.enginex.edge.agent.tools.ToolException;
import io.enginex.edge.agent.tools.ToolRegistry;
import io.enginex.edge.protocol.ErrorCodes;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code http.request} against two servers on loopback: an allowed one (listed as 127.0.0.1:A) and a
 * canary (not listed) that counts every request it gets. URL tricks, redirects out and DNS answers
 * pointing at loopback must all be refused, and the canary must never be reached.
 */
class NetworkCorpusTest {
    private HttpServer allowed;
    private HttpServer canary;
    private final AtomicInteger canaryHits = new AtomicInteger();
    private ToolRegistry tools;
    private int a;
    private int b;

    @BeforeEach
    void servers() throws Exception {
        canary = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        canary.createContext("/", ex -> {
            canaryHits.incrementAndGet();
            byte[] body = CanaryTree.SECRET.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        canary.start();
        b = canary.getAddress().getPort();
        allowed = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        allowed.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath();
            String location = switch (path) {
                case "/redirect-out" -> "http://127.0.0.1:" + b + "/secret";
                case "/redirect-localhost" -> "http://localhost:" + b + "/secret";
                case "/redirect-meta" -> "http://169.254.169.254/latest/meta-data/";
                case "/redirect-decimal" -> "http://2130706433:" + b + "/";
                case "/redirect-v6" -> "http://[::1]:" + b + "/";
                case "/redirect-file" -> "file:///etc/passwd";
                case "/redirect-in" -> "/ok";
                case "/loop" -> "/loop";
                default -> null;
            };
            if (location != null) {
                ex.getResponseHeaders().add("Location", location);
                ex.sendResponseHeaders(302, -1);
                ex.close();
                return;
            }
            byte[] body = path.equals("/big") ? new byte[3 << 20] : "hello".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders()
                    .add("Content-Type", path.equals("/big") ? "application/octet-stream" : "text/plain");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        allowed.start();
        a = allowed.getAddress().getPort();
        String self = InetAddress.getLocalHost().getHostName().toLowerCase(java.util.Locale.ROOT);
        List<NetworkRule> rules =
                List.of(new NetworkRule("127.0.0.1", a, "test policy"), new NetworkRule(self, a, "test policy"));
        PinnedHttpClient client = new PinnedHttpClient(SSLContext.getDefault(), Duration.ofSeconds(5));
        tools = new ToolRegistry(
                List.of(new HttpRequestTool(new NetworkGuard(rules, InetAddress::getAllByName), client, 1 << 20)));
    }

    @AfterEach
    void stop() {
        allowed.stop(0);
        canary.stop(0);
    }

    private JsonNode get(String url) {
        return tools.call(
                "http.request",
                JsonNodeFactory.instance.objectNode().put("url", url),
                ToolContext.detached("job_net", Instant.now().plusSeconds(20), Clock.systemUTC()));
    }

    @Test
    void anAllowedHostAnswersAndARedirectToItselfIsFollowed() {
        assertThat(get("http://127.0.0.1:" + a + "/ok").path("body").asText()).isEqualTo("hello");
        JsonNode redirected = get("http://127.0.0.1:" + a + "/redirect-in");
        assertThat(redirected.path("body").asText()).isEqualTo("hello");
        assertThat(redirected.path("url").asText()).endsWith("/ok");
    }

    @Test
    void theResponseBodyIsCapped() {
        JsonNode big = get("http://127.0.0.1:" + a + "/big");
        assertThat(big.path("truncated").asBoolean()).isTrue();
        assertThat(big.path("encoding").asText()).isEqualTo("base64");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://127.0.0.1:B/",
                "http://localhost:A/",
                "http://localhost:B/",
                "http://2130706433:A/",
                "http://0x7f000001:A/",
                "http://0x7f.0.0.1:A/",
                "http://0177.0.0.1:A/",
                "http://127.1:A/",
                "http://127.0.0.01:A/",
                "http://127.000.000.001:A/",
                "http://[::1]:A/",
                "http://[::ffff:127.0.0.1]:A/",
                "http://[0:0:0:0:0:ffff:7f00:1]:A/",
                "http://user@127.0.0.1:A/",
                "http://127.0.0.1:A@127.0.0.1:B/",
                "http://127.0.0.1:B#@127.0.0.1:A/",
                "http://127.0.0.1.:A/",
                "https://127.0.0.1:B/",
                "ftp://127.0.0.1:A/",
                "file:///etc/passwd",
                "jar:http://127.0.0.1:A/x.jar!/",
                "gopher://127.0.0.1:A/",
                "//127.0.0.1:A/",
                "127.0.0.1:A",
                "http://169.254.169.254/latest/meta-data/",
                "http://0.0.0.0:A/",
                "http://[::]:A/",
                "http://127.0.0.1:A/redirect-out",
                "http://127.0.0.1:A/redirect-localhost",
                "http://127.0.0.1:A/redirect-meta",
                "http://127.0.0.1:A/redirect-decimal",
                "http://127.0.0.1:A/redirect-v6",
                "http://127.0.0.1:A/redirect-file",
                "http://127.0.0.1:A/loop",
                "http://SELF:A/",
                "http://127.0.0.1:A\\@127.0.0.1:B/",
                "http://127.0.0.1:0/",
                "http://127.0.0.1:99999/"
            })
    void urlTricksRedirectsAndDnsAnswersToLoopbackAreRefused(String template) throws Exception {
        String self = InetAddress.getLocalHost().getHostName().toLowerCase(java.util.Locale.ROOT);
        boolean selfIsLoopback = InetAddress.getByName(self).isLoopbackAddress();
        String url = template.replace(":A", ":" + a).replace(":B", ":" + b).replace("SELF", self);

        ToolException refusal = catchThrowableOfType(ToolException.class, () -> get(url));

        if (template.contains("SELF") && !selfIsLoopback) {
            return; // this machine's name does not resolve to loopback: the DNS case does not apply here
        }
        assertThat(refusal).as(url).isNotNull();
        assertThat(refusal.code())
                .as(refusal.getMessage())
                .isIn(ErrorCodes.BLOCKED_BY_POLICY, ErrorCodes.INVALID_ARGUMENTS, ErrorCodes.TOOL_FAILED);
        CanaryTree.assertNotLeaked(refusal.getMessage());
        assertThat(canaryHits).as("requests that reached the unlisted server").hasValue(0);
    }

    @Test
    void tooManyRedirectsEndTheRequest() {
        ToolException e = catchThrowableOfType(ToolException.class, () -> get("http://127.0.0.1:" + a + "/loop"));
        assertThat(e.getMessage()).contains("redirects");
    }
}
