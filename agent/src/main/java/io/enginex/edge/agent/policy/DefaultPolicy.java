package io.enginex.edge.agent.policy;

import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What applies when no machine policy file exists, and the deny globs every policy starts with.
 *
 * <p>Without a machine policy the agent is read-only: every folder may be shared with {@code --root},
 * but only for reading; the read-only tools are allowed; no commands, no network, secrets denied.
 * Writing, {@code exec} and {@code http.request} need a machine policy that grants them.
 */
public final class DefaultPolicy {
    /** Source label of built-in rules. */
    public static final String SOURCE = "built-in default";

    /**
     * Secrets no file tool may touch unless a machine policy turns the defaults off: SSH and GnuPG
     * keys, cloud and container credentials, .env files, token files, key stores, browser profiles
     * and keychains.
     */
    public static final List<String> DENY_GLOBS = List.of(
            "**/.ssh",
            "**/.gnupg",
            "**/id_rsa*",
            "**/id_dsa*",
            "**/id_ecdsa*",
            "**/id_ed25519*",
            "**/.aws",
            "**/.azure",
            "**/.config/gcloud",
            "**/.kube",
            "**/.docker/config.json",
            "**/.env",
            "**/.env.*",
            "**/.netrc",
            "**/_netrc",
            "**/.git-credentials",
            "**/.npmrc",
            "**/.pypirc",
            "**/.password-store",
            "**/*.pem",
            "**/*.key",
            "**/*.p12",
            "**/*.pfx",
            "**/*.jks",
            "**/*.keystore",
            "**/*.kdbx",
            "**/library/keychains",
            "**/*.keychain",
            "**/*.keychain-db",
            "**/.mozilla",
            "**/.config/google-chrome",
            "**/.config/chromium",
            "**/.config/microsoft-edge",
            "**/.config/bravesoftware",
            "**/library/application support/google/chrome",
            "**/library/application support/firefox",
            "**/library/application support/microsoft edge",
            "**/library/safari",
            "**/library/cookies",
            "**/appdata/local/google/chrome/user data",
            "**/appdata/local/microsoft/edge/user data",
            "**/appdata/roaming/mozilla",
            "**/appdata/roaming/microsoft/credentials",
            "**/appdata/local/microsoft/credentials",
            "**/appdata/roaming/microsoft/protect");

    /** Tools allowed when no policy names any. */
    public static final List<String> READ_ONLY_TOOLS =
            List.of("fs.list", "fs.read", "fs.stat", "fs.search", "sys.info", "sys.ping");

    private DefaultPolicy() {}

    /** The default deny rules, labelled with {@code source}. */
    public static List<DenyRule> denyRules(FileSystem fs, String source) {
        List<DenyRule> rules = new ArrayList<>();
        DENY_GLOBS.forEach(g -> rules.add(DenyRule.of(g, source, fs)));
        return rules;
    }

    /** The read-only tool set, labelled with {@code source}. */
    public static Map<String, String> readOnlyTools(String source) {
        Map<String, String> tools = new LinkedHashMap<>();
        READ_ONLY_TOOLS.forEach(t -> tools.put(t, source));
        return tools;
    }

    /** The machine policy in force when no machine policy file exists. */
    public static Policy machine(FileSystem fs) {
        String source = SOURCE + " (no machine policy file)";
        List<RootRule> roots = new ArrayList<>();
        for (Path top : fs.getRootDirectories()) {
            roots.add(new RootRule(top, AccessMode.READ, source));
        }
        return new Policy(
                roots, denyRules(fs, SOURCE), Limits.DEFAULT, readOnlyTools(source), Map.of(), List.of(), Map.of());
    }
}
