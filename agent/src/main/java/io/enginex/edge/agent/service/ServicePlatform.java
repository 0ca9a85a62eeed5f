package io.enginex.edge.agent.service;

import java.util.Locale;

/** One service manager: systemd (Linux), launchd (macOS) or the Service Control Manager (Windows). */
public interface ServicePlatform {
    ServicePlan install(ServiceDefinition service);

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
