package io.enginex.edge.agent.service;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Windows: the service {@code enginex-agent} registered with {@code sc.exe}: automatic start, the
 * agent answering the Service Control Manager itself ({@code run --windows-service}, see {@link
 * WindowsServiceHost}), restart after a failure at 10 s, 60 s, 5 min (counter reset after a day).
 *
 * <p>Account: by default the virtual account {@code NT SERVICE\enginex-agent}, which exists only for
 * this service, holds no privileges, and gets access to nothing but what is granted to it here:
 * modify on the state folder and on the config file (it deletes the enrolment token). The base folder
 * ({@code %ProgramData%\EngineX\Agent}) loses its inherited ACL (Users could create files there) and
 * becomes SYSTEM and Administrators full, Users read; state and config are not readable by Users.
 * {@code --user LocalSystem} runs it as SYSTEM instead (needed only when file tools must reach folders
 * nobody granted the virtual account).
 *
 * <p>The user session part: {@code run} (the socket; Users may write the files made there, so they can
 * connect) and {@code run\sessions} (the tokens; nothing for Users), and the logon task {@link
 * WindowsSessionTask}.
 */
public final class WindowsServices implements ServicePlatform {
    public static final String VIRTUAL_ACCOUNT = "NT SERVICE\\" + ServiceDefinition.NAME;
    static final String SYSTEM = "*S-1-5-18";
    static final String ADMINISTRATORS = "*S-1-5-32-544";
    static final String USERS = "*S-1-5-32-545";

    /**
     * The {@code binPath=} value: the command line (with {@code --windows-service}, so the agent
     * answers the SCM), each word quoted the Windows way when needed.
     */
    public static String binPath(ServiceDefinition service) {
        List<String> command = new ArrayList<>(service.command());
        if (command.contains("run") && !command.contains("--windows-service")) {
            command.add("--windows-service");
        }
        return command.stream().map(WindowsServices::quote).collect(Collectors.joining(" "));
    }

    /**
     * One argument quoted as the Microsoft C runtime parses it ({@code CommandLineToArgvW}): in
     * double quotes when it has a space, tab or quote; inner quotes and the backslashes before them
     * escaped.
     */
    public static String quote(String word) {
        if (!word.isEmpty() && word.chars().noneMatch(c -> c == ' ' || c == '\t' || c == '"')) {
            return word;
        }
        StringBuilder out = new StringBuilder("\"");
        int backslashes = 0;
        for (char c : word.toCharArray()) {
            if (c == '\\') {
                backslashes++;
                continue;
            }
            out.append("\\".repeat(c == '"' ? backslashes * 2 + 1 : backslashes));
            backslashes = 0;
            out.append(c);
        }
        return out.append("\\".repeat(backslashes * 2)).append('"').toString();
    }

    static String account(ServiceDefinition service) {
        return service.user() == null ? VIRTUAL_ACCOUNT : service.user();
    }

    static boolean isLocalSystem(String account) {
        return account.equalsIgnoreCase("LocalSystem") || account.equalsIgnoreCase("NT AUTHORITY\\SYSTEM");
    }

    @Override
    public ServicePlan install(ServiceDefinition service) {
        String name = ServiceDefinition.NAME;
        String account = account(service);
        List<String> create = new ArrayList<>(List.of(
                "sc.exe",
                "create",
                name,
                "binPath=",
                // Quoted once more: Java passes an argument that starts and ends with a quote as it is,
                // and sc.exe's runtime then unquotes it to the binPath with its inner quotes.
                quote(binPath(service)),
                "start=",
                "auto",
                "DisplayName=",
                ServiceDefinition.DESCRIPTION));
        if (!isLocalSystem(account)) {
            create.addAll(List.of("obj=", account));
        }
        List<List<String>> commands = new ArrayList<>();
        commands.add(create);
        commands.add(List.of(
                "sc.exe",
                "description",
                name,
                "Connects this machine to an EngineX hub and runs local tools in a sandbox."));
        commands.addAll(configure(service).commands());
        commands.add(List.of("sc.exe", "start", name));
        ServicePlan configured = configure(service);
        return new ServicePlan(
                configured.write(), List.of(), commands, false, configured.directories(), configured.touch());
    }

    /**
     * What install and the MSI share once the service exists: the folders and their access, and the
     * recovery actions.
     */
    @Override
    public ServicePlan configure(ServiceDefinition service) {
        String name = ServiceDefinition.NAME;
        String account = account(service);
        Path config = service.configFile().toAbsolutePath();
        Path base = config.getParent();
        Path state = service.stateDir().toAbsolutePath();
        List<List<String>> commands = new ArrayList<>();
        commands.add(List.of(
                "icacls",
                base.toString(),
                "/inheritance:r",
                "/grant:r",
                SYSTEM + ":(OI)(CI)F",
                ADMINISTRATORS + ":(OI)(CI)F",
                USERS + ":(OI)(CI)RX"));
        List<String> stateAcl = new ArrayList<>(List.of(
                "icacls",
                state.toString(),
                "/inheritance:r",
                "/grant:r",
                SYSTEM + ":(OI)(CI)F",
                ADMINISTRATORS + ":(OI)(CI)F"));
        List<String> configAcl = new ArrayList<>(List.of(
                "icacls", config.toString(), "/inheritance:r", "/grant:r", SYSTEM + ":F", ADMINISTRATORS + ":F"));
        if (!isLocalSystem(account)) {
            stateAcl.add(account + ":(OI)(CI)M");
            configAcl.add(account + ":M");
        }
        commands.add(stateAcl);
        commands.add(configAcl);
        // The session channel: the service makes its socket in run (users may connect: write on the files
        // made there, not on the folder) and its tokens in run\sessions, which lists nothing to users.
        Path run = base.resolve("run");
        Path sessions = run.resolve("sessions");
        List<String> runAcl = new ArrayList<>(List.of("icacls", run.toString(), "/grant:r", USERS + ":(OI)(IO)(W)"));
        List<String> sessionsAcl = new ArrayList<>(List.of(
                "icacls",
                sessions.toString(),
                "/inheritance:r",
                "/grant:r",
                SYSTEM + ":(OI)(CI)F",
                ADMINISTRATORS + ":(OI)(CI)F"));
        if (!isLocalSystem(account)) {
            runAcl.add(account + ":(OI)(CI)M");
            sessionsAcl.add(account + ":(OI)(CI)F");
        }
        commands.add(runAcl);
        commands.add(sessionsAcl);
        Path taskXml = WindowsSessionTask.xmlFile(base);
        commands.add(WindowsSessionTask.create(taskXml));
        commands.add(List.of(
                "sc.exe",
                "failure",
                name,
                "reset=",
                "86400",
                "actions=",
                "restart/10000/restart/60000/restart/300000"));
        commands.add(List.of("sc.exe", "failureflag", name, "1"));
        return new ServicePlan(
                Map.of(taskXml, WindowsSessionTask.xml(launcher(service.command()))),
                List.of(),
                commands,
                false,
                List.of(base, state, run, sessions),
                List.of(config));
    }

    /** The agent's launcher: the service's command up to {@code run}. */
    static List<String> launcher(List<String> command) {
        int run = command.indexOf("run");
        return run < 0 ? command : command.subList(0, run);
    }

    @Override
    public ServicePlan uninstall() {
        return new ServicePlan(
                Map.of(),
                List.of(),
                List.of(
                        List.of("sc.exe", "stop", ServiceDefinition.NAME),
                        List.of("sc.exe", "delete", ServiceDefinition.NAME),
                        WindowsSessionTask.delete()),
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
