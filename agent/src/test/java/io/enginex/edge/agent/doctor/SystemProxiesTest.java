package io.enginex.edge.agent.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.agent.doctor.SystemProxy.Mode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parsers, over outputs captured in the tools' own format (src/test/resources/system-proxy). */
class SystemProxiesTest {
    @TempDir
    Path temp;

    static String sample(String name) {
        try (InputStream in = SystemProxiesTest.class.getResourceAsStream("/system-proxy/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void gnomeManualProxyWithAuthenticationAndIgnoreHosts() {
        SystemProxy p =
                SystemProxies.parseGsettings(sample("gsettings-manual.txt")).orElseThrow();

        assertThat(p.mode()).isEqualTo(Mode.MANUAL);
        assertThat(p.address()).isEqualTo("proxy.corp.example:3128");
        assertThat(p.authenticated()).isTrue();
        assertThat(p.bypass()).containsExactly("localhost", "127.0.0.0/8", "::1", "*.corp.example");
        assertThat(p.bypasses("hub.corp.example")).isTrue();
        assertThat(p.bypasses("hub.example.com")).isFalse();
    }

    @Test
    void gnomeNoneAndAuto() {
        assertThat(SystemProxies.parseGsettings(sample("gsettings-none.txt"))
                        .orElseThrow()
                        .mode())
                .isEqualTo(Mode.NONE);
        SystemProxy auto =
                SystemProxies.parseGsettings(sample("gsettings-auto.txt")).orElseThrow();
        assertThat(auto.mode()).isEqualTo(Mode.AUTO);
        assertThat(auto.pacUrl()).isEqualTo("http://wpad.corp.example/wpad.dat");
        assertThat(auto.bypass()).isEmpty();
    }

    @Test
    void kdeWritesHostAndPortApart() {
        SystemProxy p = SystemProxies.parseKioslaverc(sample("kioslaverc.txt")).orElseThrow();

        assertThat(p.source()).contains("KDE");
        assertThat(p.address()).isEqualTo("proxy.corp.example:8080");
        assertThat(p.bypasses("hub.corp.example")).isTrue();
    }

    @Test
    void etcEnvironmentQuotedWithTrailingSlash() {
        SystemProxy p =
                SystemProxies.parseEtcEnvironment(sample("etc-environment.txt")).orElseThrow();

        assertThat(p.address()).isEqualTo("proxy.corp.example:3128");
        assertThat(p.bypass()).containsExactly("localhost", "127.0.0.1", ".corp.example");
        assertThat(SystemProxies.parseEtcEnvironment("PATH=/usr/bin\n")).isEmpty();
    }

    @Test
    void macosUsesTheHttpsEntryThenPacThenNone() {
        SystemProxy manual =
                SystemProxies.parseScutil(sample("scutil-manual.txt")).orElseThrow();
        assertThat(manual.address()).isEqualTo("secure-proxy.corp.example:8443");
        assertThat(manual.bypass()).containsExactly("*.local", "169.254/16", "*.corp.example");

        SystemProxy pac = SystemProxies.parseScutil(sample("scutil-pac.txt")).orElseThrow();
        assertThat(pac.mode()).isEqualTo(Mode.AUTO);
        assertThat(pac.pacUrl()).isEqualTo("http://pac.corp.example/proxy.pac");

        assertThat(SystemProxies.parseScutil(sample("scutil-none.txt"))
                        .orElseThrow()
                        .mode())
                .isEqualTo(Mode.NONE);
    }

    @Test
    void windowsWinInetPerSchemeServersAndLocalBypass() {
        SystemProxy p =
                SystemProxies.parseWinInet(sample("reg-wininet-manual.txt")).orElseThrow();

        assertThat(p.address()).isEqualTo("proxy.corp.example:8443");
        assertThat(p.bypass()).containsExactly("*.corp.example", "<local>");
        assertThat(p.bypasses("hubhost")).isTrue();
        assertThat(p.bypasses("hub.example.com")).isFalse();

        SystemProxy pac =
                SystemProxies.parseWinInet(sample("reg-wininet-pac.txt")).orElseThrow();
        assertThat(pac.mode()).isEqualTo(Mode.AUTO);
        assertThat(pac.pacUrl()).isEqualTo("http://wpad.corp.example/proxy.pac");
    }

    @Test
    void windowsWinHttp() {
        assertThat(SystemProxies.parseWinHttp(sample("netsh-direct.txt"))
                        .orElseThrow()
                        .mode())
                .isEqualTo(Mode.NONE);
        SystemProxy p = SystemProxies.parseWinHttp(sample("netsh-manual.txt")).orElseThrow();
        assertThat(p.address()).isEqualTo("proxy.corp.example:8080");
        assertThat(p.bypass()).containsExactly("*.corp.example", "<local>");
    }

    @Test
    void readAsksEachOsItsOwnToolsAndKeepsOnlySettingsThatAreOn() throws Exception {
        Map<List<String>, String> outputs = Map.of(
                List.of("reg", "query", "HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings"),
                sample("reg-wininet-manual.txt"),
                List.of("netsh", "winhttp", "show", "proxy"),
                sample("netsh-direct.txt"),
                List.of("scutil", "--proxy"),
                sample("scutil-pac.txt"),
                List.of("gsettings", "list-recursively", "org.gnome.system.proxy"),
                sample("gsettings-manual.txt"));
        SystemProxies.Commands commands = command -> Optional.ofNullable(outputs.get(command));
        Path etc = Files.writeString(temp.resolve("environment"), sample("etc-environment.txt"));
        Files.createDirectories(temp.resolve("config"));
        Files.writeString(temp.resolve("config/kioslaverc"), sample("kioslaverc.txt"));

        assertThat(SystemProxies.read("Windows 11", Map.of(), commands, etc))
                .extracting(SystemProxy::source)
                .containsExactly("Windows Internet Options (WinINET, this user)");
        assertThat(SystemProxies.read("Mac OS X", Map.of(), commands, etc))
                .extracting(SystemProxy::mode)
                .containsExactly(Mode.AUTO);
        assertThat(SystemProxies.read(
                        "Linux",
                        Map.of("XDG_CONFIG_HOME", temp.resolve("config").toString()),
                        commands,
                        etc))
                .extracting(SystemProxy::source)
                .containsExactly("GNOME (gsettings org.gnome.system.proxy)", "KDE (kioslaverc)", "/etc/environment");
        assertThat(SystemProxies.read(
                        "Linux", Map.of("HOME", temp.toString()), c -> Optional.empty(), temp.resolve("none")))
                .isEmpty();
    }
}
