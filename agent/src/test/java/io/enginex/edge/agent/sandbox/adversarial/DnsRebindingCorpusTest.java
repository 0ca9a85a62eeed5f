package io.enginex.edge.agent.sandbox.adversarial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.enginex.edge.agent.network.NetworkGuard;
import io.enginex.edge.agent.network.PinnedHttpClient;
import io.enginex.edge.agent.policy.NetworkRule;
import io.enginex.edge.agent.testing.FakeDns;
import io.enginex.edge.agent.testing.TestCertificates;
import io.enginex.edge.agent.tools.HttpRequestTool;
import io.enginex.edge.agent.tools.ToolContext;
import io.enginex.edge.agent.tools.ToolException;
import io.enginex.edge.agent.tools.ToolRegistry;
import io.enginex.edge.protocol.ErrorCodes;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIMatcher;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.StandardConstants;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * DNS rebinding against {@code http.request}: the listed name {@code localhost} answers the check
 * with 127.0.0.2 (where the checked server listens) and any later lookup with another address (a
 * canary on 127.0.0.1, same port, that must see no request). The request must go to the address that
 * was checked, and each redirect hop must be checked and pinned on its own.
 */
class DnsRebindingCorpusTest {
    private static final String CHECKED = "127.0.0.2";
    private static final String CANARY = "127.0.0.1";

    private final List<String> checkedHosts = new CopyOnWriteArrayList<>();
    private final List<String> canaryHits = new CopyOnWriteArrayList<>();
    private final List<String> sniNames = new CopyOnWriteArrayList<>();
    private HttpServer checked;
    private HttpServer canary;
    private int port;

    @AfterEach
    void stop() {
        if (checked != null) {
            checked.stop(0);
        }
        if (canary != null) {
            canary.stop(0);
        }
    }

    /** The checked server on 127.0.0.2:P and the canary on 127.0.0.1:P (the same port). */
    private void servers(SSLContext tls) throws IOException {
        for (int attempt = 0; ; attempt++) {
            checked = tls == null ? HttpServer.create() : https(tls);
            checked.bind(new InetSocketAddress(InetAddress.getByName(CHECKED), 0), 0);
            port = checked.getAddress().getPort();
            canary = tls == null ? HttpServer.create() : https(tls);
            try {
                canary.bind(new InetSocketAddress(InetAddress.getByName(CANARY), port), 0);
                break;
            } catch (BindException e) {
                checked.stop(0);
                if (attempt == 5) {
                    throw e;
                }
            }
        }
        checked.createContext("/", ex -> {
            checkedHosts.add(ex.getRequestHeaders().getFirst("Host"));
            if (ex.getRequestURI().getPath().equals("/hop")) {
                ex.getResponseHeaders()
                        .add("Location", (tls == null ? "http" : "https") + "://localhost:" + port + "/ok");
                ex.sendResponseHeaders(302, -1);
                ex.close();
                return;
            }
            answer(ex, "hello from the checked address");
        });
        canary.createContext("/", ex -> {
            canaryHits.add(ex.getRequestURI().toString());
            answer(ex, CanaryTree.SECRET);
        });
        checked.start();
        canary.start();
    }

    private HttpsServer https(SSLContext tls) throws IOException {
        HttpsServer server = HttpsServer.create();
        server.setHttpsConfigurator(new HttpsConfigurator(tls) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters parameters = getSSLContext().getDefaultSSLParameters();
                parameters.setSNIMatchers(List.of(new SNIMatcher(StandardConstants.SNI_HOST_NAME) {
                    @Override
                    public boolean matches(SNIServerName name) {
                        sniNames.add(((SNIHostName) name).getAsciiName());
                        return true;
                    }
                }));
                params.setSSLParameters(parameters);
            }
        });
        return server;
    }

    private static void answer(HttpExchange ex, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "text/plain");
        ex.sendResponseHeaders(200, body.length);
        ex.getResponseBody().write(body);
        ex.close();
    }

    private JsonNode get(FakeDns dns, SSLContext trust, String url) throws Exception {
        ToolRegistry tools = new ToolRegistry(List.of(new HttpRequestTool(
                new NetworkGuard(List.of(new NetworkRule("localhost", port, "test policy")), dns),
                new PinnedHttpClient(trust == null ? SSLContext.getDefault() : trust, Duration.ofSeconds(5)),
                1 << 20)));
        return tools.call(
                "http.request",
                JsonNodeFactory.instance.objectNode().put("url", url),
                ToolContext.detached("job_rebind", Instant.now().plusSeconds(20), Clock.systemUTC()));
    }

    @ParameterizedTest
    @ValueSource(strings = {CANARY, "169.254.169.254", "10.0.0.1", "::1"})
    void aNameThatRebindsAfterTheCheckIsFetchedFromTheCheckedAddress(String later) throws Exception {
        servers(null);
        FakeDns dns = new FakeDns(CHECKED, later);

        JsonNode answer = get(dns, null, "http://localhost:" + port + "/ok");

        assertThat(answer.path("body").asText()).isEqualTo("hello from the checked address");
        assertThat(checkedHosts).containsExactly("localhost:" + port);
        assertThat(canaryHits).as("requests that reached the rebound address").isEmpty();
        assertThat(dns.lookups()).as("one lookup: the checked one").containsExactly("localhost");
    }

    @Test
    void eachRedirectHopIsCheckedAndPinnedAgain() throws Exception {
        servers(null);
        FakeDns dns = new FakeDns(CHECKED, CHECKED, CANARY);

        JsonNode answer = get(dns, null, "http://localhost:" + port + "/hop");

        assertThat(answer.path("body").asText()).isEqualTo("hello from the checked address");
        assertThat(checkedHosts).hasSize(2);
        assertThat(canaryHits).isEmpty();
        assertThat(dns.lookups()).containsExactly("localhost", "localhost");
    }

    @Test
    void aHopWhoseNameNowAnswersAForbiddenAddressIsRefused() throws Exception {
        servers(null);
        FakeDns dns = new FakeDns(CHECKED, "169.254.169.254", CANARY);

        ToolException refusal =
                catchThrowableOfType(ToolException.class, () -> get(dns, null, "http://localhost:" + port + "/hop"));

        assertThat(refusal).isNotNull();
        assertThat(refusal.code()).isEqualTo(ErrorCodes.BLOCKED_BY_POLICY);
        assertThat(refusal.getMessage()).contains("169.254.169.254");
        assertThat(checkedHosts).hasSize(1);
        assertThat(canaryHits).isEmpty();
    }

    @Test
    void tlsToAPinnedAddressSendsSniForAndVerifiesTheName(@TempDir Path dir) throws Exception {
        KeyStore keys = TestCertificates.selfSigned(dir, "dns:localhost");
        servers(TestCertificates.serverContext(keys));
        FakeDns dns = new FakeDns(CHECKED, CHECKED, CANARY); // the hop is checked again, then rebinds

        JsonNode answer = get(dns, TestCertificates.trusting(keys), "https://localhost:" + port + "/hop");

        assertThat(answer.path("body").asText()).isEqualTo("hello from the checked address");
        assertThat(sniNames).containsOnly("localhost").hasSize(2);
        assertThat(canaryHits).isEmpty();
    }

    @Test
    void aCertificateForAnotherNameIsRefusedEvenAtTheCheckedAddress(@TempDir Path dir) throws Exception {
        KeyStore keys = TestCertificates.selfSigned(dir, "dns:elsewhere.test");
        servers(TestCertificates.serverContext(keys));
        FakeDns dns = new FakeDns(CHECKED);

        ToolException refusal = catchThrowableOfType(
                ToolException.class,
                () -> get(dns, TestCertificates.trusting(keys), "https://localhost:" + port + "/ok"));

        assertThat(refusal).isNotNull();
        assertThat(refusal.code()).isEqualTo(ErrorCodes.TOOL_FAILED);
        assertThat(refusal.getMessage()).contains("TLS with localhost failed", "certificate");
        assertThat(checkedHosts).isEmpty();
    }
}
