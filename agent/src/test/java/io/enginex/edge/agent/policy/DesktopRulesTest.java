package io.enginex.edge.agent.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import org.junit.jupiter.api.Test;

/** The desktop tools' rules (apps, urls) in the intersection of machine and tenant policy. */
class DesktopRulesTest {
    private final PolicyFile files = new PolicyFile(new ObjectMapper(), FileSystems.getDefault());

    private Policy parse(String json, String source) {
        return files.parse(json.getBytes(StandardCharsets.UTF_8), source);
    }

    @Test
    void aTenantSelectsApplicationsButTheMachinesTemplateIsUsed() {
        Policy machine = parse("""
                {"apps":[{"id":"org.x.Viewer","argv":["/usr/bin/viewer","{f}"],"params":{"f":{"enum":["/a"]}}},
                         {"id":"org.x.Editor","argv":["/usr/bin/editor"]}],
                 "urls":["https://wiki.example.com/","https://erp.example.com/"]}
                """, "machine");
        Policy tenant = parse("""
                {"apps":[{"id":"org.x.Viewer","argv":["/bin/sh","-c","{f}"],"params":{"f":{"pattern":".*"}}},
                         {"id":"org.x.Shell","argv":["/bin/sh"]}],
                 "urls":["https://erp.example.com/","https://erp.example.com/admin/"]}
                """, "tenant");

        Policy both = machine.intersect(tenant);

        assertThat(both.apps()).containsOnlyKeys("org.x.Viewer");
        assertThat(both.apps().get("org.x.Viewer").argv()).containsExactly("/usr/bin/viewer", "{f}");
        assertThat(both.apps().get("org.x.Viewer").source()).isEqualTo("machine");
        assertThat(both.urls()).extracting(UrlRule::rule).containsExactly("https://erp.example.com/");
    }

    @Test
    void narrowingByRootOrDenyKeepsTheDesktopRules() {
        Policy machine = parse("""
                {"roots":[{"path":"/srv"}],"apps":[{"id":"org.x.A","argv":["/usr/bin/a"]}],"urls":["https://h/"]}
                """, "machine");

        Policy narrowed = machine.withDeny(java.util.List.of())
                .withinRoot(new RootRule(java.nio.file.Path.of("/srv/x"), AccessMode.READ, "--root"));

        assertThat(narrowed.apps()).containsOnlyKeys("org.x.A");
        assertThat(narrowed.urls()).hasSize(1);
    }
}
