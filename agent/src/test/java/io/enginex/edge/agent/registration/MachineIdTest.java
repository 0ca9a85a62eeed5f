package io.enginex.edge.agent.registration;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MachineIdTest {
    @TempDir
    Path dir;

    @Test
    void theSameMachineIdHashesTheSameAndNeverShowsTheRawId() throws Exception {
        Path file = Files.writeString(dir.resolve("machine-id"), "4c4c4544004e3510804cb4c04f4b3332\n");

        String first = MachineId.fromFile(file).orElseThrow();
        String again = MachineId.fromFile(file).orElseThrow();

        assertThat(first).matches("[0-9a-f]{64}").isEqualTo(again).doesNotContain("4c4c4544");
        assertThat(first).isNotEqualTo(MachineId.hash("another machine"));
    }

    @Test
    void aMissingOrEmptyFileGivesNoId() throws Exception {
        assertThat(MachineId.fromFile(dir.resolve("none"))).isEmpty();
        assertThat(MachineId.fromFile(Files.writeString(dir.resolve("empty"), "\n")))
                .isEmpty();
    }

    private static final String IOREG = """
            +-o J314sAP  <class IOPlatformExpertDevice, id 0x100000227, registered, matched, active, busy 0 (1045 ms), retain 38>
              {
                "IOPolledInterface" = "AppleARMWatchdogTimerHibernateHandler is not serializable"
                "#address-cells" = <02000000>
                "IOPlatformSerialNumber" = "C02XL0GYJGH5"
                "compatible" = <"J314sAP","MacBookPro18,3","AppleARM">
                "IOPlatformUUID" = "3B7A1D5E-9C2F-5E0B-8F4A-6D2C1B9E7A30"
                "model" = <"MacBookPro18,3">
              }
            """;

    private static final String REG_QUERY = """

            HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Cryptography
                MachineGuid    REG_SZ    6f1c2d3e-4b5a-6978-8a9b-0c1d2e3f4a5b

            """;

    @Test
    void macOsIoregOutputGivesTheHashedPlatformUuid() {
        assertThat(MachineId.fromIoreg(IOREG))
                .contains(MachineId.hash("3B7A1D5E-9C2F-5E0B-8F4A-6D2C1B9E7A30"))
                .get()
                .asString()
                .matches("[0-9a-f]{64}")
                .doesNotContainIgnoringCase("3B7A1D5E");
    }

    @Test
    void windowsRegQueryOutputGivesTheHashedMachineGuid() {
        assertThat(MachineId.fromRegQuery(REG_QUERY.replace("\n", "\r\n")))
                .contains(MachineId.hash("6f1c2d3e-4b5a-6978-8a9b-0c1d2e3f4a5b"));
    }

    @Test
    void outputWithoutTheIdGivesNoId() {
        assertThat(MachineId.fromIoreg("")).isEmpty();
        assertThat(MachineId.fromIoreg("+-o Root  <class IORegistryEntry>\n  {\n  }\n"))
                .isEmpty();
        assertThat(MachineId.fromRegQuery(
                        "ERROR: The system was unable to find the specified registry key or value.\r\n"))
                .isEmpty();
    }
}
