package io.enginex.edge.server.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enginex.edge.server.HubException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which webhook targets the hub refuses (SSRF): names resolved by a fake resolver, addresses real. */
class WebhookTargetsTest {
    static final Map<String, String> DNS = Map.of(
            "public.example", "93.184.216.34",
            "metadata.example", "169.254.169.254",
            "intranet.example", "10.1.2.3",
            "home.example", "192.168.1.10",
            "cgnat.example", "100.64.0.1",
            "local.example", "127.0.0.1",
            "v6local.example", "::1",
            "ula.example", "fd00::1",
            "mapped.example", "::ffff:10.0.0.1");

    static InetAddress[] resolve(String host) throws UnknownHostException {
        String address = DNS.get(host);
        if (address == null) {
            throw new UnknownHostException(host);
        }
        return new InetAddress[] {InetAddress.getByName(address)};
    }

    final WebhookTargets strict = new WebhookTargets(false, WebhookTargetsTest::resolve);
    final WebhookTargets open = new WebhookTargets(true, WebhookTargetsTest::resolve);

    @Test
    void aPublicHttpsTargetIsAccepted() {
        assertThat(strict.check("https://public.example/hooks").getHost()).isEqualTo("public.example");
    }

    @Test
    void privateLoopbackLinkLocalAndSharedAddressesAreRefused() {
        for (String host : new String[] {
            "metadata.example",
            "intranet.example",
            "home.example",
            "cgnat.example",
            "local.example",
            "v6local.example",
            "ula.example",
            "mapped.example"
        }) {
            assertThatThrownBy(() -> strict.check("https://" + host + "/h"))
                    .as(host)
                    .isInstanceOf(HubException.BadRequest.class)
                    .hasMessageContaining("public addresses only")
                    .hasMessageContaining("--webhook-allow-private-targets");
        }
        assertThatThrownBy(() -> strict.check("https://127.0.0.1:8080/h")).hasMessageContaining("127.0.0.1");
    }

    @Test
    void plainHttpUserInfoAndUnknownHostsAreRefused() {
        assertThatThrownBy(() -> strict.check("http://public.example/h")).hasMessageContaining("https://");
        assertThatThrownBy(() -> strict.check("https://u:p@public.example/h")).hasMessageContaining("user:password");
        assertThatThrownBy(() -> strict.check("https://nowhere.example/h")).hasMessageContaining("does not resolve");
        assertThatThrownBy(() -> strict.check(" ")).hasMessageContaining("required");
    }

    @Test
    void theOperatorsFlagAllowsLoopbackOverHttp() {
        assertThat(open.check("http://127.0.0.1:9000/h").getPort()).isEqualTo(9000);
        assertThat(open.check("http://intranet.example/h").getHost()).isEqualTo("intranet.example");
    }
}
