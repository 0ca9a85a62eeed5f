package io.enginex.edge.agent.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.enginex.edge.agent.policy.NetworkRule;
import io.enginex.edge.protocol.ErrorCodes;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** DNS answers are faked here: a listed name pointed at loopback or the metadata service is refused. */
class NetworkGuardTest {
    private static NetworkGuard guard(String answer) {
        return new NetworkGuard(
                List.of(
                        NetworkRule.parse("erp.corp.internal:443", "machine policy p.json"),
                        NetworkRule.parse("localhost:8080", "machine policy p.json")),
                host -> new InetAddress[] {InetAddress.getByName(answer)});
    }

    @Test
    void aListedNameResolvingToAPrivateNetworkAddressIsAllowed() {
        NetworkGuard.Allowed allowed = guard("10.20.30.40").check("https://erp.corp.internal/api/export");

        assertThat(allowed.rule().label()).isEqualTo("erp.corp.internal:443");
        assertThat(allowed.addresses()).extracting(InetAddress::getHostAddress).containsExactly("10.20.30.40");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "127.0.0.1",
                "127.5.6.7",
                "::1",
                "169.254.169.254",
                "fe80::1",
                "0.0.0.0",
                "::",
                "224.0.0.1",
                "::ffff:127.0.0.1",
                "::ffff:169.254.169.254"
            })
    void aListedNameResolvingToASpecialAddressIsRefused(String answer) {
        NetworkException e =
                catchThrowableOfType(NetworkException.class, () -> guard(answer).check("https://erp.corp.internal/"));

        assertThat(e.code()).isEqualTo(ErrorCodes.BLOCKED_BY_POLICY);
        assertThat(e.getMessage()).contains("resolves to", "erp.corp.internal:443", "machine policy p.json");
    }

    @Test
    void localhostMayMeanLoopbackOnlyWhenTheRuleSaysLocalhost() {
        assertThat(guard("127.0.0.1").check("http://localhost:8080/").rule().host())
                .isEqualTo("localhost");
        assertThat(catchThrowableOfType(
                                NetworkException.class, () -> guard("10.0.0.1").check("http://localhost:8081/"))
                        .code())
                .isEqualTo(ErrorCodes.BLOCKED_BY_POLICY);
    }
}
