package io.enginex.edge.agent.service;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Windows: the service {@code enginex-agent} registered with {@code sc.exe} (automatic start, delayed;
 * restart after a failure at 10 s, 60 s, 5 min; failure counter reset after a day).
 *
 * <p>Not done yet: the agent does not answer the Service Control Manager itself (that needs a service
 * control handler, e.g. through JNA), so until then the command must be a service host such as the
 * MSI's launcher; see docs/INSTALL.md.
 */
public final class WindowsServices implements ServicePlatform {
    /** The {@code binPath=} value: the command line with each word quoted the Windows way when needed. */
    public static String binPath(ServiceDefinition service) {
        return service.command().stream()
                .map(word -> word.contains(" ") || word.isEmpty() ? "\"" + word + "\"" : word)
                .collect(Collectors.joining(" "));
    }

    @Override
    public ServicePlan install(ServiceDefinition service) {
        String name = ServiceDefinition.NAME;
        return new ServicePlan(
                Map.of(),
                List.of(),
                List.of(
                        List.of(
                                "sc.exe",
                                "create",
                                name,
                                "binPath=",
                                binPath(service),
                                "start=",
                                "delayed-auto",
                                "DisplayName=",
                                ServiceDefinition.DESCRIPTION),
                        List.of(
                                "sc.exe",
                                "description",
                                name,
                                "Connects this machine to an EngineX hub and runs local tools in a sandbox."),
                        List.of(
                                "sc.exe",
                                "failure",
                                name,
                                "reset=",
                                "86400",
                                "actions=",
                                "restart/10000/restart/60000/restart/300000"),
                        List.of("sc.exe", "failureflag", name, "1"),
                        List.of("sc.exe", "start", name)),
                false);
    }

    @Override
    public ServicePlan uninstall() {
        return new ServicePlan(
                Map.of(),
                List.of(),
                List.of(
                        List.of("sc.exe", "stop", ServiceDefinition.NAME),
                        List.of("sc.exe", "delete", ServiceDefinition.NAME)),
                true);
    }

    @Override
    public ServicePlan start() {
        return ServicePlan.run(List.of(List.of("sc.exe", "start", ServiceDefinition.NAME)));
    }

    @Override
    public ServicePlan stop() {
        return ServicePlan.run(List.of(List.of("sc.exe", "stop", ServiceDefinition.NAME)));
    }

    @Override
    public ServicePlan status() {
        return ServicePlan.run(List.of(List.of("sc.exe", "queryex", ServiceDefinition.NAME)));
    }
}
