package io.enginex.edge.agent.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProxyCheckTest {
    private static final URI HUB = URI.create("https://hub.example.com:8443");
    private static final SystemProxy GNOME = SystemProxy.manual(
            "GNOME (gsettings org.gnome.system.proxy)", "proxy.corp.example", 3128, List.of(".corp.example"), true);

    private final List<String> requests = new CopyOnWriteArrayList<>();
    private ServerSocket proxy;

    @AfterEach
    void close() throws IOException {
        if (proxy != null) {
            proxy.close();
        }
    }

    private ProxyCheck check(Map<String, String> env, String os) {
        return new ProxyCheck(env, os, Duration.ofSeconds(5));
    }

    @Test
    void noSystemProxyIsOk() {
        List<Check> checks = check(Map.of(), "Linux").compare(List.of(), HUB);

        assertThat(checks).singleElement().satisfies(c -> {
            assertThat(c.result()).isEqualTo(Check.Result.OK);
            assertThat(c.detail()).contains("connects directly");
        });
    }

    @Test
    void desktopProxyButAgentDirectWarnsWithTheServiceSettingForEachOs() {
        Check linux = check(Map.of(), "Linux").compare(List.of(GNOME), HUB).get(0);
        assertThat(linux.result()).isEqualTo(Check.Result.WARN);
        assertThat(linux.detail()).contains("proxy.corp.example:3128", "asks for credentials", "connects directly");
        assertThat(linux.fix())
                .contains(
                        "systemctl edit enginex-agent",
                        "Environment=HTTPS_PROXY=http://user:password@proxy.corp.example:3128");

        Check windows =
                check(Map.of(), "Windows 11").compare(List.of(GNOME), HUB).get(0);
        assertThat(windows.fix())
                .contains("reg add HKLM\\SYSTEM\\CurrentControlSet\\Services\\enginex-agent /v Environment");
        Check mac = check(Map.of(), "Mac OS X").compare(List.of(GNOME), HUB).get(0);
        assertThat(mac.fix()).contains("PlistBuddy", "EnvironmentVariables:HTTPS_PROXY");
    }

    @Test
    void sameProxyIsOkAndADifferentOneWarns() {
        Map<String, String> same = Map.of("HTTPS_PROXY", "http://proxy.corp.example:3128");
        assertThat(check(same, "Linux").compare(List.of(GNOME), HUB).get(0).result())
                .isEqualTo(Check.Result.OK);

        Map<String, String> other = Map.of("HTTPS_PROXY", "http://other:8080");
        Check c = check(other, "Linux").compare(List.of(GNOME), HUB).get(0);
        assertThat(c.result()).isEqualTo(Check.Result.WARN);
        assertThat(c.detail()).contains("uses HTTPS_PROXY other:8080");
    }

    @Test
    void aHubInTheDesktopsExceptionsGoesDirectAndAPacScriptIsExplained() {
        URI inside = URI.create("https://hub.corp.example");
        assertThat(check(Map.of(), "Linux")
                        .compare(List.of(GNOME), inside)
                        .get(0)
                        .result())
                .isEqualTo(Check.Result.OK);
        Check bypassed = check(Map.of("HTTPS_PROXY", "http://proxy.corp.example:3128"), "Linux")
                .compare(List.of(GNOME), inside)
                .get(0);
        assertThat(bypassed.result()).isEqualTo(Check.Result.WARN);
        assertThat(bypassed.fix()).contains("NO_PROXY=hub.corp.example");

        Check pac = check(Map.of(), "Windows 10")
                .compare(List.of(SystemProxy.auto("WinINET", "http://wpad/proxy.pac", List.of())), HUB)
                .get(0);
        assertThat(pac.result()).isEqualTo(Check.Result.WARN);
        assertThat(pac.detail()).contains("PAC http://wpad/proxy.pac", "does not run PAC");
    }

    @Test
    void a407WithBasicSaysWhereToPutTheCredentials() throws Exception {
        int port = fakeProxy(
                "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"corp\"\r\n\r\n");

        Check c = check(Map.of("HTTPS_PROXY", "http://127.0.0.1:" + port), "Linux")
                .probe(HUB);

        assertThat(c.result()).isEqualTo(Check.Result.FAIL);
        assertThat(c.detail()).contains("407", "Basic").doesNotContain("refused the ones");
        assertThat(c.fix()).contains("put them in", "HTTPS_PROXY=http://USER:PASSWORD@127.0.0.1:" + port);
        assertThat(requests.get(0)).isEqualTo("CONNECT hub.example.com:8443 HTTP/1.1");
    }

    @Test
    void a407WithOnlyNtlmPointsToARelayOrAnException() throws Exception {
        int port = fakeProxy("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: NTLM\r\n"
                + "Proxy-Authenticate: Negotiate\r\n\r\n");

        Check c = check(Map.of("HTTPS_PROXY", "http://u:p@127.0.0.1:" + port), "Windows 11")
                .probe(HUB);

        assertThat(c.detail()).contains("NTLM, Negotiate", "refused the ones in HTTPS_PROXY");
        assertThat(c.fix()).contains("cntlm", "exception for hub.example.com");
        assertThat(requests).contains("Proxy-Authorization: Basic dTpw");
    }

    @Test
    void aTunnelIsOkAndARefusedPortFails() throws Exception {
        int open = fakeProxy("HTTP/1.1 200 Connection established\r\n\r\n");
        assertThat(check(Map.of("HTTPS_PROXY", "127.0.0.1:" + open), "Linux")
                        .probe(HUB)
                        .result())
                .isEqualTo(Check.Result.OK);
        proxy.close();

        int refusing = fakeProxy("HTTP/1.1 403 Forbidden\r\n\r\n");
        Check c = check(Map.of("HTTPS_PROXY", "127.0.0.1:" + refusing), "Linux").probe(HUB);
        assertThat(c.result()).isEqualTo(Check.Result.FAIL);
        assertThat(c.fix()).contains("allow CONNECT to hub.example.com:8443");
    }

    @Test
    void directOrNoHubIsSkipped() {
        assertThat(check(Map.of(), "Linux").probe(HUB).result()).isEqualTo(Check.Result.SKIPPED);
        assertThat(check(Map.of("HTTPS_PROXY", "http://p:1", "NO_PROXY", "example.com"), "Linux")
                        .probe(HUB)
                        .result())
                .isEqualTo(Check.Result.SKIPPED);
        assertThat(check(Map.of("HTTPS_PROXY", "http://p:1"), "Linux")
                        .probe(null)
                        .result())
                .isEqualTo(Check.Result.SKIPPED);
    }

    /** A proxy that answers every request with {@code answer} and records the request's lines. */
    private int fakeProxy(String answer) throws IOException {
        proxy = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        ServerSocket server = proxy;
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    BufferedReader in =
                            new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
                    List<String> lines = new ArrayList<>();
                    for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                        lines.add(line);
                    }
                    requests.addAll(lines);
                    OutputStream out = s.getOutputStream();
                    out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                } catch (IOException e) {
                    return;
                }
            }
        });
        return proxy.getLocalPort();
    }
}
