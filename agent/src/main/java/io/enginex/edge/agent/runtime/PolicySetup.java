package io.enginex.edge.agent.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.agent.policy.DefaultPolicy;
import io.enginex.edge.agent.policy.EffectivePolicy;
import io.enginex.edge.agent.policy.FileTrust;
import io.enginex.edge.agent.policy.Policy;
import io.enginex.edge.agent.policy.PolicyFile;
import io.enginex.edge.agent.policy.RootRule;
import io.enginex.edge.agent.policy.TenantPolicySet;
import io.enginex.edge.agent.sandbox.FileRoot;
import io.enginex.edge.agent.sandbox.FileSandbox;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the effective policy and the file sandbox from the command line: {@code --machine-policy}
 * (else the per-OS administrator-only file, else the built-in default), {@code --root} and the state
 * folder. Shared by {@code run} and {@code policy show} so both show the same thing.
 */
public final class PolicySetup {
    private static final Logger log = LoggerFactory.getLogger(PolicySetup.class);

    private PolicySetup() {}

    /**
     * @param machinePolicy {@code --machine-policy}, or null
     * @param root {@code --root}, or null
     * @throws io.enginex.edge.agent.policy.PolicyException for an untrusted or malformed policy file
     * @throws IllegalArgumentException for a {@code --root} that is not an existing folder
     */
    static EffectivePolicy effective(Path machinePolicy, Path root, Path stateDir, ObjectMapper mapper) {
        return machine(machinePolicy, root, mapper).effective(TenantPolicySet.NONE, stateDir);
    }

    /**
     * What the machine says, before any tenant policy: the machine policy and {@code --root}.
     *
     * @param builtIn true when no machine policy file exists
     * @param realRoot the real path of {@code --root}, if given
     */
    public record Machine(Policy policy, String source, boolean builtIn, Optional<Path> realRoot, Path policyLocation) {
        public EffectivePolicy effective(TenantPolicySet tenants, Path stateDir) {
            return EffectivePolicy.of(policy, source, builtIn, tenants, realRoot, stateDir);
        }

        /** The administrator's plug-in folder: {@code plugins} beside the machine policy file. */
        public Path defaultPlugins() {
            return policyLocation.resolveSibling("plugins");
        }
    }

    /** Reads the machine policy and resolves {@code --root}; see {@link #effective}. */
    public static Machine machine(Path machinePolicy, Path root, ObjectMapper mapper) {
        PolicyFile files = new PolicyFile(mapper, FileSystems.getDefault());
        Path location = PolicyFile.defaultLocation(System.getProperty("os.name", ""), System.getenv());
        boolean builtIn = machinePolicy == null && !Files.exists(location);
        Policy machine = files.loadMachine(machinePolicy, location, FileTrust.forCurrentUser());
        String source = builtIn
                ? DefaultPolicy.SOURCE + " (no " + location + ")"
                : "machine policy " + (machinePolicy != null ? machinePolicy : location);
        Optional<Path> realRoot = Optional.ofNullable(root).map(PolicySetup::realFolder);
        return new Machine(machine, source, builtIn, realRoot, location);
    }

    /**
     * The sandbox over the effective roots that exist, or empty when none does. Home roots ({@code
     * ~/…}) are not in it: the user's session part opens them.
     */
    static Optional<FileSandbox> sandbox(EffectivePolicy effective) {
        List<FileRoot> roots = new ArrayList<>();
        for (RootRule rule : effective.policy().roots()) {
            if (rule.home()) {
                continue; // a folder in the signed-in user's home: its session part opens it
            }
            if (!Files.isDirectory(rule.path())) {
                log.atWarn()
                        .addKeyValue("root", rule.path())
                        .addKeyValue("source", rule.source())
                        .log("policy root is not an existing folder; skipped");
                continue;
            }
            roots.add(new FileRoot(
                    rule.path(),
                    rule.mode(),
                    effective.policy().deny(),
                    effective.policy().limits(),
                    rule.source(),
                    FileRoot.NONE));
        }
        return roots.isEmpty() ? Optional.empty() : Optional.of(new FileSandbox(roots));
    }

    private static Path realFolder(Path folder) {
        try {
            Path real = folder.toRealPath();
            if (!Files.isDirectory(real)) {
                throw new IllegalArgumentException("--root " + folder + " is not a folder; pass a folder");
            }
            return real;
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "--root " + folder + " does not exist or cannot be read ("
                            + e.getClass().getSimpleName() + "); pass an existing folder",
                    e);
        }
    }
}
