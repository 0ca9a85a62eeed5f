package io.enginex.edge.agent.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyFileTest {
    private final PolicyFile files = new PolicyFile(new ObjectMapper(), FileSystems.getDefault());

    @TempDir
    Path temp;

    private static final String FINANCE = """
            {"version":1,
             "roots":[{"path":"/srv/finance/exports","mode":"read"},{"path":"/srv/finance/outbox","mode":"write"}],
             "denyGlobs":["**/payroll"],
             "limits":{"maxReadBytes":1000,"maxWriteBytes":500},
             "tools":["fs.list","fs.read","fs.write","exec"],
             "commands":[{"name":"erp-export","argv":["/opt/erp/bin/erp","export","--date","{date}"],
                          "params":{"date":{"pattern":"[0-9]{4}-[0-9]{2}-[0-9]{2}"}},
                          "workdir":"/srv/finance/outbox","timeoutSeconds":300,"approvalRequired":true}],
             "network":["erp.corp.internal:443","[fd00::1]:8443"],
             "approvalRequired":["fs.write"]}
            """;

    private Policy parse(String json) {
        return files.parse(json.getBytes(StandardCharsets.UTF_8), "machine policy test.json");
    }

    @Test
    void aMachinePolicyFileIsReadWithEveryRuleNamingItsSource() {
        Policy p = parse(FINANCE);

        assertThat(p.roots())
                .extracting(r -> r.path().toString() + " " + r.mode().label())
                .containsExactly("/srv/finance/exports read", "/srv/finance/outbox write");
        assertThat(p.roots()).allMatch(r -> r.source().equals("machine policy test.json"));
        assertThat(p.deny()).extracting(DenyRule::glob).contains("**/.ssh", "**/payroll");
        assertThat(p.limits().maxReadBytes()).isEqualTo(1000);
        assertThat(p.limits().maxSearchFiles()).isEqualTo(Limits.DEFAULT.maxSearchFiles());
        assertThat(p.tools()).containsOnlyKeys("fs.list", "fs.read", "fs.write", "exec");
        CommandTemplate erp = p.commands().get("erp-export");
        assertThat(erp.params().get("date").accepts("2026-11-26")).isTrue();
        assertThat(erp.params().get("date").accepts("2026-11-26; rm -rf /")).isFalse();
        assertThat(erp.approvalRequired()).isTrue();
        assertThat(p.network())
                .extracting(NetworkRule::label)
                .containsExactly("erp.corp.internal:443", "[fd00::1]:8443");
        assertThat(p.needsApproval("fs.write")).isTrue();
    }

    @Test
    void graphStorageQuotasAreReadAndAnotherPolicyOnlyNarrowsThem() {
        Limits machine = parse("{\"limits\":{\"graphBytes\":1000,\"graphsTotalBytes\":5000}}")
                .limits();
        assertThat(machine.graphBytes()).isEqualTo(1000);
        assertThat(machine.graphsTotalBytes()).isEqualTo(5000);
        assertThat(parse("{}").limits().graphBytes()).isEqualTo(Limits.DEFAULT_GRAPH_BYTES);

        Limits wider = parse("{\"limits\":{\"graphBytes\":9000}}").limits();
        Limits both = machine.min(wider);
        assertThat(both.graphBytes()).isEqualTo(1000);
        assertThat(both.graphsTotalBytes()).isEqualTo(5000);
        assertThat(wider.min(parse("{\"limits\":{\"graphsTotalBytes\":10}}").limits())
                        .graphsTotalBytes())
                .isEqualTo(10);
        Limits kept = parse("{\"limits\":{\"graphRetentionDays\":7}}").limits();
        assertThat(kept.graphRetentionDays()).isEqualTo(7);
        assertThat(parse("{}").limits().graphRetentionDays()).isEqualTo(Limits.DEFAULT_GRAPH_RETENTION_DAYS);
        assertThat(kept.min(parse("{\"limits\":{\"graphRetentionDays\":90}}").limits())
                        .graphRetentionDays())
                .as("a longer retention does not widen a shorter one")
                .isEqualTo(7);
        assertThatThrownBy(() -> parse("{\"limits\":{\"graphRetentionDays\":0}}"))
                .hasMessageContaining("graphRetentionDays must be a whole number of days from 1");
        assertThatThrownBy(() -> parse("{\"limits\":{\"graphByte\":1}}"))
                .hasMessageContaining("known fields:")
                .hasMessageContaining("graphBytes");
    }

    @Test
    void defaultDenyGlobsAreOnUnlessTheAdministratorTurnsThemOff() {
        assertThat(parse("{}").deny()).extracting(DenyRule::glob).containsAll(DefaultPolicy.DENY_GLOBS);
        assertThat(parse("{\"defaultDenyGlobs\":false}").deny()).isEmpty();
    }

    @Test
    void withoutToolsTheReadOnlySetAppliesAndWithoutRootsNothingIsShared() {
        Policy p = parse("{}");
        assertThat(p.tools()).containsOnlyKeys(DefaultPolicy.READ_ONLY_TOOLS);
        assertThat(p.roots()).isEmpty();
    }

    @Test
    void typosAndMalformedRulesAreErrorsNamingTheField() {
        assertThatThrownBy(() -> parse("{\"root\":[]}")).hasMessageContaining("unknown field \"root\"");
        assertThatThrownBy(() -> parse("{\"roots\":[{\"path\":\"relative\"}]}")).hasMessageContaining("absolute");
        assertThatThrownBy(() -> parse("{\"roots\":[{\"path\":\"/x\",\"mode\":\"rw\"}]}"))
                .hasMessageContaining("mode must be");
        assertThatThrownBy(() -> parse("{\"network\":[\"host\"]}")).hasMessageContaining("host:port");
        assertThatThrownBy(() -> parse("{\"commands\":[{\"name\":\"x\",\"argv\":[\"sh\"]}]}"))
                .hasMessageContaining("absolute path");
        assertThatThrownBy(() -> parse("{\"commands\":[{\"name\":\"x\",\"argv\":[\"/bin/echo\",\"{p}\"]}]}"))
                .hasMessageContaining("declares no parameter");
        assertThatThrownBy(() -> parse("not json")).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> parse("{\"version\":2}")).hasMessageContaining("version must be 1");
    }

    @Test
    void aPolicyFileWritableByGroupOrOthersIsRefused() throws Exception {
        Path file = Files.writeString(temp.resolve("policy.json"), "{}");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-r--"));

        assertThatThrownBy(() -> files.loadMachine(file, temp.resolve("none"), FileTrust.forCurrentUser()))
                .isInstanceOf(PolicyException.class)
                .hasMessageContaining("writable by group or others")
                .hasMessageContaining("chmod go-w");
    }

    @Test
    void aPolicyFileInAFolderOthersCanWriteIsRefused() throws Exception {
        Path dir = Files.createDirectories(temp.resolve("open"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path file = Files.writeString(dir.resolve("policy.json"), "{}");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        assertThatThrownBy(() -> files.loadMachine(file, temp.resolve("none"), FileTrust.forCurrentUser()))
                .hasMessageContaining("writable by group or others");
    }

    @Test
    void theDefaultLocationMustBeRootOwnedWhileAnExplicitFileMayBeTheUsers() throws Exception {
        Path file = Files.writeString(temp.resolve("policy.json"), "{}");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        FileTrust someoneElse = new FileTrust("not-the-owner-" + System.nanoTime());
        boolean runningAsRoot = (Integer) Files.getAttribute(file, "unix:uid") == 0;

        assertThat(files.loadMachine(file, temp.resolve("none"), FileTrust.forCurrentUser())
                        .roots())
                .isEmpty();
        if (!runningAsRoot) {
            assertThatThrownBy(() -> files.loadMachine(null, file, FileTrust.forCurrentUser()))
                    .hasMessageContaining("not root");
            assertThatThrownBy(() -> files.loadMachine(file, temp.resolve("none"), someoneElse))
                    .hasMessageContaining("not root");
        }
    }

    @Test
    void withNoMachinePolicyFileTheBuiltInDefaultIsReadOnly() {
        Policy p = files.loadMachine(null, temp.resolve("absent.json"), FileTrust.forCurrentUser());

        assertThat(p.roots()).isNotEmpty().allMatch(r -> r.mode() == AccessMode.READ);
        assertThat(p.tools()).containsOnlyKeys(DefaultPolicy.READ_ONLY_TOOLS);
        assertThat(p.commands()).isEmpty();
        assertThat(p.network()).isEmpty();
    }

    @Test
    void theMachinePolicyLivesInAnAdministratorOnlyPlacePerOs() {
        assertThat(PolicyFile.defaultLocation("Linux", Map.of())).isEqualTo(Path.of("/etc/enginex-agent/policy.json"));
        assertThat(PolicyFile.defaultLocation("Mac OS X", Map.of()))
                .isEqualTo(Path.of("/Library/Application Support/EngineX Agent/policy.json"));
        assertThat(PolicyFile.defaultLocation("Windows 11", Map.of("ProgramData", "D:\\PD"))
                        .toString())
                .contains("EngineX", "Agent", "policy.json");
    }

    @Test
    void theEffectivePolicyIsTheMachinePolicyNarrowedByRootAndTenantNeverWidened() {
        Policy machine = parse(FINANCE);
        Policy tenant = parse("""
                {"roots":[{"path":"/srv","mode":"write"}],"tools":["fs.list","fs.write","fs.delete"],
                 "network":["erp.corp.internal:443","evil.example:443"],"limits":{"maxReadBytes":99999999}}
                """);

        EffectivePolicy effective = EffectivePolicy.of(
                machine,
                "machine policy test.json",
                false,
                Optional.of(tenant),
                Optional.of(Path.of("/srv/finance/outbox/q4")),
                temp);

        Policy p = effective.policy();
        assertThat(p.roots()).singleElement().satisfies(r -> {
            assertThat(r.path()).isEqualTo(Path.of("/srv/finance/outbox/q4"));
            assertThat(r.mode()).isEqualTo(AccessMode.WRITE);
            assertThat(r.source()).contains("--root", "machine policy test.json");
        });
        assertThat(p.tools()).containsOnlyKeys("fs.list", "fs.write"); // fs.delete: the machine never allowed it
        assertThat(p.network()).extracting(NetworkRule::label).containsExactly("erp.corp.internal:443");
        assertThat(p.limits().maxReadBytes()).isEqualTo(1000); // the tenant cannot raise a cap
        assertThat(p.commands()).isEmpty(); // the tenant did not select the template
        assertThat(p.denied(temp.resolve("identity.json"))).isPresent();
        assertThat(effective.describe())
                .anyMatch(l -> l.contains("fs.write") && l.contains("machine policy test.json"));
        assertThat(effective.toJson().path("roots").get(0).path("source").asText())
                .contains("--root");
    }

    @Test
    void aRootOutsideEveryMachineRootGivesNoFileAccess() {
        EffectivePolicy effective = EffectivePolicy.of(
                parse(FINANCE), "m", false, Optional.empty(), Optional.of(Path.of("/home/someone")), temp);

        assertThat(effective.policy().roots()).isEmpty();
    }

    @Test
    void withTheBuiltInDefaultAndNoRootNothingIsShared() {
        Policy builtIn = DefaultPolicy.machine(FileSystems.getDefault());

        assertThat(EffectivePolicy.of(builtIn, "b", true, Optional.empty(), Optional.empty(), temp)
                        .policy()
                        .roots())
                .isEmpty();
        assertThat(EffectivePolicy.of(builtIn, "b", true, Optional.empty(), Optional.of(temp), temp)
                        .policy()
                        .roots())
                .singleElement()
                .satisfies(r -> assertThat(r.mode()).isEqualTo(AccessMode.READ));
    }
}
