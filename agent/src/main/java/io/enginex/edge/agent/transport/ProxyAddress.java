package io.enginex.edge.agent.transport;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * A proxy taken from {@code HTTPS_PROXY}: where it is and, when the URL carries them, the
 * credentials it asks for. {@link #toString()} never shows the password.
 *
 * @param user null when the URL has no user info
 * @param password null when the URL has no user info
 */
public record ProxyAddress(InetSocketAddress address, String user, char[] password) {
    static ProxyAddress parse(String value) {
        String text = value.contains("://") ? value : "http://" + value;
        URI uri;
        try {
            uri = URI.create(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("HTTPS_PROXY is not a URL like http://proxy.example.com:3128", e);
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("HTTPS_PROXY has no host; set it like http://proxy.example.com:3128");
        }
        int port = uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        String user = null;
        char[] password = null;
        if (uri.getRawUserInfo() != null) {
            String[] parts = uri.getRawUserInfo().split(":", 2);
            user = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
            password = parts.length > 1
                    ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8).toCharArray()
                    : new char[0];
        }
        return new ProxyAddress(InetSocketAddress.createUnresolved(uri.getHost(), port), user, password);
    }

    @Override
    public String toString() {
        return "ProxyAddress[" + address.getHostString() + ":" + address.getPort()
                + (user == null ? "" : ", user=" + user + ", password=***") + "]";
    }
}
