package io.enginex.edge.agent.cli;

import io.enginex.edge.agent.service.ServiceDefinition;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import picocli.CommandLine.Option;

/** {@code --service-user}: whom a command that talks to the service's session socket trusts to hold it. */
final class ServiceUserOption {
    @Option(
            names = "--service-user",
            paramLabel = "NAME",
            split = ",",
            description = "The accounts the service may run as; a socket held by any other is not used (default:"
                    + " enginex-agent, root on Linux; root on macOS, where the LaunchDaemon runs as root).")
    List<String> serviceUsers = defaultServiceUsers(ServiceCommand.Defaults.os());

    Set<String> accounts() {
        return Set.copyOf(serviceUsers);
    }

    /**
     * The accounts whose socket is used: on macOS the LaunchDaemon's, root (the Mac has no enginex-agent
     * account: one made later by someone else must not pass); on Linux the packages' account or root.
     */
    static List<String> defaultServiceUsers(String os) {
        return os.toLowerCase(Locale.ROOT).startsWith("mac")
                ? List.of("root")
                : List.of(ServiceDefinition.NAME, "root");
    }
}
