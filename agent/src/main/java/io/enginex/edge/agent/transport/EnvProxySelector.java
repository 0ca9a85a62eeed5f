package io.enginex.edge.agent.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Chooses a proxy the way command-line tools do: {@code HTTPS_PROXY} (or {@code https_proxy}) for
 * TLS connections, except hosts listed in {@code NO_PROXY} (or {@code no_proxy}); loopback hosts
 * always go direct. Without {@code HTTPS_PROXY} the given fallback (the Java system proxy settings)
 * decides.
 *
 * <p>{@code NO_PROXY} entries: {@code *} (everything), a host name that also matches its subdomains
 * ({@code example.com} or {@code .example.com}), an IP literal, each optionally with {@code :port}.
 * CIDR ranges are not understood.
 */
public final class EnvProxySelector extends ProxySelector {
    private final InetSocketAddress httpsProxy;
    private final List<String> noProxy;
    private final ProxySelector fallback;

    EnvProxySelector(InetSocketAddress httpsProxy, List<String> noProxy, ProxySelector fallback) {
        this.httpsProxy = httpsProxy;
        this.noProxy = List.copyOf(noProxy);
        this.fallback = fallback;
    }

    /**
     * Builds the selector from environment variables.
     *
     * @param fallback used when no {@code HTTPS_PROXY} is set; may be null (then direct)
     * @throws IllegalArgumentException when {@code HTTPS_PROXY} is not a {@code host:port} address
     */
    public static EnvProxySelector fromEnvironment(Map<String, String> env, ProxySelector fallback) {
        String proxy = first(env, "HTTPS_PROXY", "https_proxy");
        String no = first(env, "NO_PROXY", "no_proxy");
        List<String> entries = new ArrayList<>();
        if (no != null) {
            for (String entry : no.split(",")) {
                String e = entry.strip().toLowerCase(Locale.ROOT);
                if (!e.isEmpty()) {
                    entries.add(e);
                }
            }
        }
        return new EnvProxySelector(
                proxy == null ? null : ProxyAddress.parse(proxy).address(), entries, fallback);
    }

    /**
     * When {@code HTTPS_PROXY} carries credentials, lets the JDK's HTTP client answer a proxy's Basic
     * challenge on the CONNECT tunnel to an {@code https://} hub. The JDK refuses Basic there by default
     * ({@code jdk.http.auth.tunneling.disabledSchemes=Basic} in {@code net.properties}), so such a proxy
     * would answer 407 forever. An explicit {@code -Djdk.http.auth.tunneling.disabledSchemes} is kept. The
     * JDK reads the property once, when its HTTP internals first load: call this before any {@code
     * HttpClient} is built.
     */
    public static void allowBasicProxyTunnels(Map<String, String> env) {
        String proxy = first(env, "HTTPS_PROXY", "https_proxy");
        if (proxy != null && proxy.contains("@")) {
            System.getProperties().putIfAbsent("jdk.http.auth.tunneling.disabledSchemes", "");
        }
    }

    /** The {@code HTTPS_PROXY} credentials (user info in the URL), or null. */
    public static ProxyAddress proxyAddress(Map<String, String> env) {
        String proxy = first(env, "HTTPS_PROXY", "https_proxy");
        return proxy == null ? null : ProxyAddress.parse(proxy);
    }

    @Override
    public List<Proxy> select(URI uri) {
        String host = uri.getHost();
        if (host == null || HubEndpoint.isLoopbackHost(host) || excluded(host, uri.getPort())) {
            return List.of(Proxy.NO_PROXY);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (httpsProxy != null && (scheme.equals("https") || scheme.equals("wss"))) {
            return List.of(new Proxy(Proxy.Type.HTTP, httpsProxy));
        }
        return fallback == null ? List.of(Proxy.NO_PROXY) : fallback.select(uri);
    }

    @Override
    public void connectFailed(URI uri, SocketAddress address, IOException e) {
        // Nothing to remember: there is one proxy, and the connection's backoff handles retries.
    }

    boolean excluded(String host, int port) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        for (String entry : noProxy) {
            if (entry.equals("*")) {
                return true;
            }
            String name = entry;
            int colon = entry.lastIndexOf(':');
            if (colon > 0
                    && entry.indexOf(':') == colon
                    && entry.substring(colon + 1).matches("\\d+")) {
                if (port != Integer.parseInt(entry.substring(colon + 1))) {
                    continue;
                }
                name = entry.substring(0, colon);
            }
            if (name.startsWith("[") && name.endsWith("]")) {
                name = name.substring(1, name.length() - 1);
            }
            if (name.startsWith("*.")) {
                name = name.substring(1);
            }
            String bare = name.startsWith(".") ? name.substring(1) : name;
            if (h.equals(bare) || h.endsWith("." + bare)) {
                return true;
            }
        }
        return false;
    }

    private static String first(Map<String, String> env, String... names) {
        for (String name : names) {
            String value = env.get(name);
            if (value != null && !value.isBlank()) {
                return value.strip();
            }
        }
        return null;
    }
}
