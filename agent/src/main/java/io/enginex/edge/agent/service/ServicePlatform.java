package io.enginex.edge.agent.service;

import java.util.Locale;

/** One service manager: systemd (Linux), launchd (macOS) or the Service Control Manager (Windows). */
public interface ServicePlatform {
    ServicePlan install(ServiceDefinition service);

    /**
     * Access to the state folder and config file and the recovery settings, for a service that
     * already exists (the MSI creates its own, then runs {@code enginex-agent service configure}).
     * Nothing by default: the Linux packages and launchd need no more than install does.
     */
    default ServicePlan configure(ServiceDefinition service) {
        return ServicePlan.run(java.util.List.of());
    }

    ServicePlan uninstall();

    ServicePlan start();

    ServicePlan stop();

    ServicePlan status();

    /** The platform for {@code os.name}. */
    static ServicePlatform forOs(String osName) {
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("windows")) {
            return new WindowsServices();
        }
        if (os.startsWith("mac")) {
            return new LaunchdDaemon();
        }
        return new SystemdUnit();
    }
}
