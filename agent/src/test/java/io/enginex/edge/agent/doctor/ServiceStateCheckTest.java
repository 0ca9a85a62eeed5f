package io.enginex.edge.agent.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The Windows and macOS service checks over captured tool output (src/test/resources/service-state). */
class ServiceStateCheckTest {
    static String output(String name) {
        try (InputStream in = ServiceStateCheckTest.class.getResourceAsStream("/service-state/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void windowsRunningStoppedRevokedMissing() {
        assertThat(ServiceStateCheck.windows(output("sc-running.txt")).result()).isEqualTo(Check.Result.OK);

        Check stopped = ServiceStateCheck.windows(output("sc-stopped.txt"));
        assertThat(stopped.result()).isEqualTo(Check.Result.WARN);
        assertThat(stopped.fix()).contains("Start-Service enginex-agent");

        Check revoked = ServiceStateCheck.windows(output("sc-revoked.txt"));
        assertThat(revoked.result()).isEqualTo(Check.Result.FAIL);
        assertThat(revoked.detail()).contains("the agent's exit code 3");
        assertThat(revoked.fix()).contains("revoked", "re-enrol");

        Check missing = ServiceStateCheck.windows(output("sc-missing.txt"));
        assertThat(missing.result()).isEqualTo(Check.Result.WARN);
        assertThat(missing.detail()).contains("not installed");
    }

    @Test
    void macosRunningRevokedMissing() {
        assertThat(ServiceStateCheck.macos(output("launchctl-running.txt")).result())
                .isEqualTo(Check.Result.OK);

        Check revoked = ServiceStateCheck.macos(output("launchctl-revoked.txt"));
        assertThat(revoked.result()).isEqualTo(Check.Result.FAIL);
        assertThat(revoked.detail()).contains("not running", "last exit code was 3");

        Check missing = ServiceStateCheck.macos(output("launchctl-missing.txt"));
        assertThat(missing.result()).isEqualTo(Check.Result.WARN);
        assertThat(missing.fix()).contains("service install");
    }

    @Test
    void otherSystemsAreLeftToSystemd() {
        assertThat(ServiceStateCheck.current("Linux")).isEmpty();
    }
}
