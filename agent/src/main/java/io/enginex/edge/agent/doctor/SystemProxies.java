package io.enginex.edge.agent.doctor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the desktop's and the OS's proxy settings: Linux GNOME ({@code gsettings list-recursively
 * org.gnome.system.proxy}), KDE ({@code kioslaverc}) and {@code /etc/environment}; macOS {@code scutil
 * --proxy}; Windows WinINET ({@code reg query "HKCU\…\Internet Settings"}) and WinHTTP ({@code netsh
 * winhttp show proxy}). Each parser takes the tool's text as it prints it, so tests feed captured
 * outputs; a source that is absent or cannot be read is left out.
 */
public final class SystemProxies {
    private static final String WININET_KEY = "HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings";

    /** Runs a command and returns what it printed, or empty when it is missing, fails or hangs; a seam for tests. */
    @FunctionalInterface
    public interface Commands {
        Optional<String> output(List<String> command);
    }

    private SystemProxies() {}

    /** The settings of this machine's OS ({@code os.name}) that are set, read with real commands and files. */
    public static List<SystemProxy> read(String osName, Map<String, String> env) {
        return read(osName, env, SystemProxies::run, Path.of("/etc/environment"));
    }

    static List<SystemProxy> read(String osName, Map<String, String> env, Commands commands, Path etcEnvironment) {
        String os = osName.toLowerCase(Locale.ROOT);
        List<SystemProxy> found = new ArrayList<>();
        if (os.startsWith("windows")) {
            commands.output(List.of("reg", "query", WININET_KEY))
                    .flatMap(SystemProxies::parseWinInet)
                    .ifPresent(found::add);
            commands.output(List.of("netsh", "winhttp", "show", "proxy"))
                    .flatMap(SystemProxies::parseWinHttp)
                    .ifPresent(found::add);
        } else if (os.startsWith("mac")) {
            commands.output(List.of("scutil", "--proxy"))
                    .flatMap(SystemProxies::parseScutil)
                    .ifPresent(found::add);
        } else {
            commands.output(List.of("gsettings", "list-recursively", "org.gnome.system.proxy"))
                    .flatMap(SystemProxies::parseGsettings)
                    .ifPresent(found::add);
            String config = env.getOrDefault(
                    "XDG_CONFIG_HOME", env.getOrDefault("HOME", System.getProperty("user.home")) + "/.config");
            readFile(Path.of(config, "kioslaverc"))
                    .flatMap(SystemProxies::parseKioslaverc)
                    .ifPresent(found::add);
            readFile(etcEnvironment).flatMap(SystemProxies::parseEtcEnvironment).ifPresent(found::add);
        }
        return found.stream().filter(p -> p.mode() != SystemProxy.Mode.NONE).toList();
    }

    /** {@code gsettings list-recursively org.gnome.system.proxy}. */
    static Optional<SystemProxy> parseGsettings(String text) {
        Map<String, String> values = new HashMap<>();
        for (String line : text.split("\\R")) {
            String[] parts = line.strip().split("\\s+", 3);
            if (parts.length == 3 && parts[0].startsWith("org.gnome.system.proxy")) {
                values.put(parts[0].substring("org.gnome.system.proxy".length()) + " " + parts[1], parts[2]);
            }
        }
        if (values.isEmpty()) {
            return Optional.empty();
        }
        String source = "GNOME (gsettings org.gnome.system.proxy)";
        List<String> bypass = gvariantList(values.getOrDefault(" ignore-hosts", "[]"));
        return Optional.of(
                switch (unquote(values.getOrDefault(" mode", "'none'"))) {
                    case "manual" -> {
                        String host = unquote(values.getOrDefault(".https host", "''"));
                        int port = parsePort(values.getOrDefault(".https port", "0"));
                        if (host.isEmpty()) {
                            yield SystemProxy.none(source);
                        }
                        boolean auth = "true".equals(values.get(".http use-authentication"));
                        yield SystemProxy.manual(source, host, port, bypass, auth);
                    }
                    case "auto" ->
                        SystemProxy.auto(
                                source, blankToNull(unquote(values.getOrDefault(" autoconfig-url", "''"))), bypass);
                    default -> SystemProxy.none(source);
                });
    }

    /** KDE's {@code ~/.config/kioslaverc}, section {@code [Proxy Settings]}. */
    static Optional<SystemProxy> parseKioslaverc(String text) {
        Map<String, String> values = new HashMap<>();
        boolean inProxy = false;
        for (String line : text.split("\\R")) {
            String l = line.strip();
            if (l.startsWith("[")) {
                inProxy = l.equals("[Proxy Settings]");
            } else if (inProxy && l.contains("=")) {
                values.put(
                        l.substring(0, l.indexOf('=')).strip(),
                        l.substring(l.indexOf('=') + 1).strip());
            }
        }
        if (values.isEmpty()) {
            return Optional.empty();
        }
        String source = "KDE (kioslaverc)";
        List<String> bypass = splitList(values.getOrDefault("NoProxyFor", ""), ",");
        return Optional.of(
                switch (values.getOrDefault("ProxyType", "0")) {
                    case "1" -> {
                        // "http://proxy.example 3128" (KDE writes host and port apart) or "http://proxy.example:3128".
                        String value = values.getOrDefault("httpsProxy", "").replaceFirst("^\\w+://", "");
                        String[] hostPort = value.contains(" ") ? value.split("\\s+", 2) : splitHostPort(value);
                        yield hostPort[0].isEmpty()
                                ? SystemProxy.none(source)
                                : SystemProxy.manual(
                                        source,
                                        stripUserInfo(hostPort[0]),
                                        parsePort(hostPort[1]),
                                        bypass,
                                        hostPort[0].contains("@"));
                    }
                    case "2" -> SystemProxy.auto(source, blankToNull(values.get("Proxy Config Script")), bypass);
                    case "3" -> SystemProxy.auto(source, null, bypass);
                    default -> SystemProxy.none(source);
                });
    }

    /** {@code /etc/environment}: {@code https_proxy=…} and {@code no_proxy=…}, quoted or not. */
    static Optional<SystemProxy> parseEtcEnvironment(String text) {
        Map<String, String> values = new HashMap<>();
        for (String line : text.split("\\R")) {
            String l = line.strip().replaceFirst("^export\\s+", "");
            int eq = l.indexOf('=');
            if (!l.startsWith("#") && eq > 0) {
                values.put(
                        l.substring(0, eq).strip().toLowerCase(Locale.ROOT),
                        l.substring(eq + 1).strip().replaceAll("^[\"']|[\"']$", ""));
            }
        }
        String proxy = values.get("https_proxy");
        if (proxy == null || proxy.isBlank()) {
            return Optional.empty();
        }
        String hostPort = proxy.replaceFirst("^\\w+://", "").replaceFirst("/.*$", "");
        String[] parts = splitHostPort(stripUserInfo(hostPort));
        return Optional.of(SystemProxy.manual(
                "/etc/environment",
                parts[0],
                parsePort(parts[1]),
                splitList(values.getOrDefault("no_proxy", ""), ","),
                hostPort.contains("@")));
    }

    /** macOS {@code scutil --proxy}. */
    static Optional<SystemProxy> parseScutil(String text) {
        Map<String, String> values = new HashMap<>();
        List<String> exceptions = new ArrayList<>();
        boolean inExceptions = false;
        for (String line : text.split("\\R")) {
            String l = line.strip();
            if (l.startsWith("ExceptionsList")) {
                inExceptions = true;
            } else if (inExceptions && l.equals("}")) {
                inExceptions = false;
            } else if (l.contains(" : ")) {
                String key = l.substring(0, l.indexOf(" : ")).strip();
                String value = l.substring(l.indexOf(" : ") + 3).strip();
                if (inExceptions) {
                    exceptions.add(value);
                } else {
                    values.put(key, value);
                }
            }
        }
        if (values.isEmpty()) {
            return Optional.empty();
        }
        String source = "macOS network settings (scutil --proxy)";
        if ("1".equals(values.get("HTTPSEnable")) && values.containsKey("HTTPSProxy")) {
            return Optional.of(SystemProxy.manual(
                    source,
                    values.get("HTTPSProxy"),
                    parsePort(values.getOrDefault("HTTPSPort", "0")),
                    exceptions,
                    false));
        }
        if ("1".equals(values.get("ProxyAutoConfigEnable"))) {
            return Optional.of(SystemProxy.auto(source, values.get("ProxyAutoConfigURLString"), exceptions));
        }
        if ("1".equals(values.get("ProxyAutoDiscoveryEnable"))) {
            return Optional.of(SystemProxy.auto(source, null, exceptions));
        }
        return Optional.of(SystemProxy.none(source));
    }

    /** Windows {@code reg query "HKCU\Software\Microsoft\Windows\CurrentVersion\Internet Settings"}. */
    static Optional<SystemProxy> parseWinInet(String text) {
        Map<String, String> values = new HashMap<>();
        Pattern row = Pattern.compile("^\\s+(\\S(?:.*?\\S)?)\\s{2,}(REG_\\w+)\\s{2,}(.*?)\\s*$");
        for (String line : text.split("\\R")) {
            Matcher m = row.matcher(line);
            if (m.matches()) {
                values.put(m.group(1), m.group(3));
            }
        }
        if (values.isEmpty()) {
            return Optional.empty();
        }
        String source = "Windows Internet Options (WinINET, this user)";
        List<String> bypass = splitList(values.getOrDefault("ProxyOverride", ""), ";");
        String enable = values.getOrDefault("ProxyEnable", "0x0");
        if (!enable.equals("0x0") && !enable.equals("0") && values.containsKey("ProxyServer")) {
            String[] parts = splitHostPort(httpsEntry(values.get("ProxyServer")));
            return Optional.of(SystemProxy.manual(source, parts[0], parsePort(parts[1]), bypass, false));
        }
        if (values.containsKey("AutoConfigURL")) {
            return Optional.of(SystemProxy.auto(source, values.get("AutoConfigURL"), bypass));
        }
        return Optional.of(SystemProxy.none(source));
    }

    /** Windows {@code netsh winhttp show proxy} (the machine-wide proxy that services use through WinHTTP). */
    static Optional<SystemProxy> parseWinHttp(String text) {
        String source = "Windows WinHTTP (netsh winhttp show proxy)";
        if (text.contains("Direct access")) {
            return Optional.of(SystemProxy.none(source));
        }
        Matcher server = Pattern.compile("Proxy Server\\(s\\)\\s*:\\s*(\\S+)").matcher(text);
        if (!server.find()) {
            return Optional.empty();
        }
        Matcher bypass = Pattern.compile("Bypass List\\s*:\\s*(\\S.*?)\\s*$", Pattern.MULTILINE)
                .matcher(text);
        List<String> list =
                bypass.find() && !bypass.group(1).startsWith("(none)") ? splitList(bypass.group(1), ";") : List.of();
        String[] parts = splitHostPort(httpsEntry(server.group(1)));
        return Optional.of(SystemProxy.manual(source, parts[0], parsePort(parts[1]), list, false));
    }

    /** "proxy:8080" or "http=a:80;https=b:443": the entry used for https. */
    private static String httpsEntry(String servers) {
        if (!servers.contains("=")) {
            return servers.replaceFirst("^\\w+://", "");
        }
        Map<String, String> byScheme = new HashMap<>();
        for (String entry : servers.split(";")) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                byScheme.put(
                        entry.substring(0, eq).strip().toLowerCase(Locale.ROOT),
                        entry.substring(eq + 1).strip());
            }
        }
        return byScheme.getOrDefault("https", byScheme.getOrDefault("http", "")).replaceFirst("^\\w+://", "");
    }

    private static String[] splitHostPort(String value) {
        String v = value.strip().replaceFirst("/.*$", "");
        int colon = v.lastIndexOf(':');
        if (colon > 0 && v.indexOf(']') < colon) {
            return new String[] {v.substring(0, colon), v.substring(colon + 1)};
        }
        return new String[] {v, "0"};
    }

    private static String stripUserInfo(String hostPort) {
        return hostPort.substring(hostPort.lastIndexOf('@') + 1);
    }

    private static int parsePort(String text) {
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static List<String> splitList(String text, String separator) {
        return Arrays.stream(text.split(separator))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .toList();
    }

    /** A GVariant string array as gsettings prints it: {@code ['localhost', '127.0.0.0/8']} or {@code @as []}. */
    private static List<String> gvariantList(String text) {
        List<String> items = new ArrayList<>();
        Matcher m = Pattern.compile("'((?:[^'\\\\]|\\\\.)*)'").matcher(text);
        while (m.find()) {
            items.add(m.group(1));
        }
        return items;
    }

    private static String unquote(String text) {
        String t = text.strip();
        return t.length() >= 2 && t.startsWith("'") && t.endsWith("'") ? t.substring(1, t.length() - 1) : t;
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }

    private static Optional<String> readFile(Path file) {
        try {
            return Files.isReadable(file)
                    ? Optional.of(Files.readString(file, StandardCharsets.UTF_8))
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> run(List<String> command) {
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            // Read on the side: a command that hangs without output must not hold doctor up.
            java.util.concurrent.CompletableFuture<byte[]> out =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                        try {
                            return process.getInputStream().readAllBytes();
                        } catch (IOException e) {
                            return new byte[0];
                        }
                    });
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return Optional.empty();
            }
            return process.exitValue() == 0
                    ? Optional.of(new String(out.get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8))
                    : Optional.empty();
        } catch (IOException | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
