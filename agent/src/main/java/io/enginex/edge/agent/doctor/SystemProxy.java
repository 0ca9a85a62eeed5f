package io.enginex.edge.agent.doctor;

import java.util.List;
import java.util.Locale;

/**
 * A proxy setting of the desktop or the OS, as one source states it (GNOME, KDE, /etc/environment,
 * macOS network settings, Windows WinINET or WinHTTP), for comparison with what the agent uses.
 *
 * @param source where it was read, as shown to a person (e.g. {@code GNOME (gsettings)})
 * @param host the HTTPS proxy's host; null unless {@code mode} is {@link Mode#MANUAL}
 * @param port the HTTPS proxy's port; 0 unless manual
 * @param bypass hosts that go direct, as the source writes them
 * @param pacUrl the auto-configuration script's URL; null unless {@link Mode#AUTO} (null also for WPAD)
 * @param authenticated the source says the proxy needs credentials
 */
public record SystemProxy(
        String source, Mode mode, String host, int port, List<String> bypass, String pacUrl, boolean authenticated) {
    public enum Mode {
        /** Direct connections. */
        NONE,
        /** A fixed proxy. */
        MANUAL,
        /** A PAC script or WPAD: the agent cannot tell which proxy it picks for the hub. */
        AUTO
    }

    public SystemProxy {
        bypass = List.copyOf(bypass);
    }

    static SystemProxy none(String source) {
        return new SystemProxy(source, Mode.NONE, null, 0, List.of(), null, false);
    }

    static SystemProxy manual(String source, String host, int port, List<String> bypass, boolean authenticated) {
        return new SystemProxy(source, Mode.MANUAL, host, port, bypass, null, authenticated);
    }

    static SystemProxy auto(String source, String pacUrl, List<String> bypass) {
        return new SystemProxy(source, Mode.AUTO, null, 0, bypass, pacUrl, false);
    }

    /** {@code host:port} of a manual proxy. */
    public String address() {
        return host + ":" + port;
    }

    /**
     * Whether {@code hubHost} is in the bypass list: exact names, {@code *.domain} and {@code .domain}
     * suffixes, {@code *} and Windows' {@code <local>} (names without a dot). CIDR ranges are not read.
     */
    public boolean bypasses(String hubHost) {
        String h = hubHost.toLowerCase(Locale.ROOT);
        for (String raw : bypass) {
            String entry = raw.strip().toLowerCase(Locale.ROOT);
            if (entry.isEmpty()) {
                continue;
            }
            if (entry.equals("*") || entry.equals(h) || (entry.equals("<local>") && !h.contains("."))) {
                return true;
            }
            String suffix = entry.startsWith("*.") ? entry.substring(1) : entry.startsWith(".") ? entry : null;
            if (suffix != null && (h.endsWith(suffix) || h.equals(suffix.substring(1)))) {
                return true;
            }
            if (entry.startsWith("*") && h.endsWith(entry.substring(1))) {
                return true;
            }
        }
        return false;
    }
}
