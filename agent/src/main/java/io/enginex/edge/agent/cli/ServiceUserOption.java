package io.enginex.edge.agent.cli;

import java.util.List;
import java.util.Set;
import picocli.CommandLine.Option;

/** {@code --service-user}: whom a command that talks to the service's session socket trusts to hold it. */
final class ServiceUserOption {
    @Option(
            names = "--service-user",
            paramLabel = "NAME",
            split = ",",
            description = "The accounts the service may run as; a socket held by any other is not used (default:"
                    + " enginex-agent, root).")
    List<String> serviceUsers = List.of("enginex-agent", "root");

    Set<String> accounts() {
        return Set.copyOf(serviceUsers);
    }
}
