package io.enginex.edge.agent.doctor;

import io.enginex.edge.agent.transport.EnvProxySelector;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Compares the desktop's proxy settings ({@link SystemProxies}) with what the agent uses for the hub
 * ({@code HTTPS_PROXY}/{@code NO_PROXY}, as {@link EnvProxySelector} decides), and asks the agent's
 * proxy for a tunnel to the hub to find one that wants credentials (407) or refuses the hub.
 */
final class ProxyCheck {
    private final Map<String, String> env;
    private final String osName;
    private final Duration timeout;

    ProxyCheck(Map<String, String> env, String osName, Duration timeout) {
        this.env = env;
        this.osName = osName.toLowerCase(Locale.ROOT);
        this.timeout = timeout;
    }

    /** One check per system setting that is on ({@code system-proxy}); one OK when there is none. */
    List<Check> compare(List<SystemProxy> system, URI hub) {
        String agentProxy = agentProxy(hub);
        String agentSays = agentProxy == null ? "connects directly" : "uses HTTPS_PROXY " + agentProxy;
        if (system.isEmpty()) {
            return List.of(Check.ok("system-proxy", "no system proxy set; the agent " + agentSays));
        }
        List<Check> checks = new ArrayList<>();
        String hubHost = hub == null ? null : hub.getHost();
        for (SystemProxy p : system) {
            String auth = p.authenticated() ? " (it asks for credentials)" : "";
            switch (p.mode()) {
                case MANUAL -> {
                    boolean bypassed = hubHost != null && p.bypasses(hubHost);
                    if (bypassed && agentProxy == null) {
                        checks.add(Check.ok(
                                "system-proxy",
                                p.source() + ": proxy " + p.address()
                                        + ", but the hub is in its exceptions; the agent too connects directly"));
                    } else if (!bypassed && p.address().equalsIgnoreCase(agentProxy)) {
                        checks.add(Check.ok(
                                "system-proxy",
                                p.source() + ": proxy " + p.address() + auth + "; the agent uses the same"));
                    } else if (bypassed) {
                        checks.add(Check.warn(
                                "system-proxy",
                                p.source() + " sends the hub direct (exceptions), but the agent " + agentSays,
                                "if the hub is reachable directly, add its host to NO_PROXY for the agent: "
                                        + setting("NO_PROXY=" + hubHost)));
                    } else {
                        String credentials = p.authenticated() ? "user:password@" : "";
                        checks.add(Check.warn(
                                "system-proxy",
                                p.source() + ": proxy " + p.address() + auth + ", but the agent " + agentSays,
                                "if this network needs the proxy, give the agent the same: "
                                        + setting("HTTPS_PROXY=http://" + credentials + p.address())
                                        + "; if the hub is reachable directly, nothing to do"));
                    }
                }
                case AUTO ->
                    checks.add(Check.warn(
                            "system-proxy",
                            p.source() + ": automatic configuration ("
                                    + (p.pacUrl() == null ? "WPAD" : "PAC " + p.pacUrl())
                                    + "); the agent does not run PAC"
                                    + " scripts and " + agentSays,
                            "find the proxy the PAC script picks for the hub (ask the network team, or open the PAC URL"
                                    + " and look for the hub's domain), then "
                                    + setting("HTTPS_PROXY=http://PROXY:PORT")));
                case NONE -> checks.add(Check.ok("system-proxy", p.source() + ": direct; the agent " + agentSays));
            }
        }
        return checks;
    }

    /**
     * Asks the agent's proxy for {@code CONNECT host:port} (with the credentials in {@code HTTPS_PROXY},
     * if any); skipped when the agent goes direct.
     */
    Check probe(URI hub) {
        if (hub == null || !"https".equalsIgnoreCase(hub.getScheme())) {
            return Check.skipped("proxy-auth", hub == null ? "no hub known yet" : "plain http:// (loopback only)");
        }
        List<Proxy> route = EnvProxySelector.fromEnvironment(env, null).select(hub);
        if (route.isEmpty() || route.get(0).type() != Proxy.Type.HTTP) {
            return Check.skipped("proxy-auth", "the agent connects to the hub directly");
        }
        InetSocketAddress proxy = (InetSocketAddress) route.get(0).address();
        var credentials = EnvProxySelector.proxyAddress(env);
        String target = hub.getHost() + ":" + (hub.getPort() == -1 ? 443 : hub.getPort());
        String where = proxy.getHostString() + ":" + proxy.getPort();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(proxy.getHostString(), proxy.getPort()), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            StringBuilder request = new StringBuilder("CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n");
            if (credentials != null && credentials.user() != null) {
                String pair = credentials.user() + ":" + new String(credentials.password());
                request.append("Proxy-Authorization: Basic ")
                        .append(Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)))
                        .append("\r\n");
            }
            OutputStream out = socket.getOutputStream();
            out.write(request.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            List<String> head = readHead(socket.getInputStream());
            String status = head.isEmpty() ? "" : head.get(0);
            String[] parts = status.split(" ", 3);
            int code = parts.length >= 2 && parts[1].matches("\\d{3}") ? Integer.parseInt(parts[1]) : -1;
            String challenge = head.stream()
                    .filter(h -> h.toLowerCase(Locale.ROOT).startsWith("proxy-authenticate:"))
                    .map(h -> h.substring(h.indexOf(':') + 1).strip().split("\\s+")[0])
                    .reduce((a, b) -> a + ", " + b)
                    .orElse("none named");
            boolean basic = challenge.toLowerCase(Locale.ROOT).contains("basic");
            if (code == 200) {
                return Check.ok(
                        "proxy-auth",
                        "proxy " + where + " opens a tunnel to " + target
                                + (credentials != null && credentials.user() != null
                                        ? " with the credentials in HTTPS_PROXY"
                                        : ""));
            }
            if (code == 407) {
                boolean sent = credentials != null && credentials.user() != null;
                String detail = "proxy " + where + " answers 407: it wants credentials (schemes: " + challenge + ")"
                        + (sent ? " and refused the ones in HTTPS_PROXY" : "");
                String fix = basic
                        ? (sent ? "check the user and password in " : "put them in ")
                                + setting("HTTPS_PROXY=http://USER:PASSWORD@" + where)
                                + " (URL-encode special characters; keep that setting readable by admins only)"
                        : "the proxy takes only " + challenge + " (Windows sign-in), which the agent cannot do: ask for"
                                + " an exception for " + hub.getHost()
                                + " on the proxy, or run a local relay that signs"
                                + " in for it (cntlm, px) and point HTTPS_PROXY at it";
                return Check.fail("proxy-auth", detail, fix);
            }
            return Check.fail(
                    "proxy-auth",
                    "proxy " + where + " refused CONNECT " + target + ": " + (status.isEmpty() ? "no answer" : status),
                    "ask the proxy's admins to allow CONNECT to " + target
                            + " (many allow only port 443), or add the hub"
                            + " to NO_PROXY if it is reachable directly");
        } catch (IOException e) {
            return Check.fail(
                    "proxy-auth",
                    "cannot reach the proxy " + where + " (" + e.getMessage() + ")",
                    "check HTTPS_PROXY's host and port (" + where + ") and that this machine may reach it");
        }
    }

    /** The proxy the agent uses for the hub as {@code host:port}, or null for direct. */
    String agentProxy(URI hub) {
        var address = EnvProxySelector.proxyAddress(env);
        if (address == null) {
            return null;
        }
        if (hub != null) {
            List<Proxy> route = EnvProxySelector.fromEnvironment(env, null).select(hub);
            if (route.isEmpty() || route.get(0).type() != Proxy.Type.HTTP) {
                return null;
            }
        }
        return address.address().getHostString() + ":" + address.address().getPort();
    }

    /** How to give the agent's service an environment variable on this OS. */
    String setting(String assignment) {
        if (osName.startsWith("windows")) {
            return "reg add HKLM\\SYSTEM\\CurrentControlSet\\Services\\enginex-agent /v Environment /t REG_MULTI_SZ /d \""
                    + assignment + "\" /f, then Restart-Service enginex-agent";
        }
        if (osName.startsWith("mac")) {
            String name = assignment.substring(0, assignment.indexOf('='));
            String value = assignment.substring(assignment.indexOf('=') + 1);
            return "sudo /usr/libexec/PlistBuddy -c 'Add :EnvironmentVariables dict' -c 'Add :EnvironmentVariables:"
                    + name + " string " + value + "' /Library/LaunchDaemons/io.enginex.agent.plist, then sudo launchctl"
                    + " bootout system/io.enginex.agent; sudo launchctl bootstrap system"
                    + " /Library/LaunchDaemons/io.enginex.agent.plist";
        }
        return "sudo systemctl edit enginex-agent → [Service] Environment=" + assignment
                + ", then sudo systemctl restart enginex-agent";
    }

    private static List<String> readHead(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        int total = 0;
        for (int c = in.read(); c != -1 && total < 16_384; c = in.read(), total++) {
            if (c == '\n') {
                String l = line.toString().stripTrailing();
                if (l.isEmpty()) {
                    break;
                }
                lines.add(l);
                line.setLength(0);
            } else {
                line.append((char) c);
            }
        }
        return lines;
    }
}
