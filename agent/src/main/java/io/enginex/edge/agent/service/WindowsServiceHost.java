package io.enginex.edge.agent.service;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.WString;
import com.sun.jna.win32.StdCallLibrary;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.function.IntSupplier;

/**
 * The agent as a real Windows service, through JNA and {@code advapi32}: {@code
 * StartServiceCtrlDispatcherW} on the calling thread, {@code RegisterServiceCtrlHandlerExW} and
 * {@code SetServiceStatus} in {@code ServiceMain}. Everything else (states, controls, exit codes) is
 * {@link WindowsServiceLifecycle}, which is tested on every OS.
 *
 * <p>A stop or shutdown control starts the JVM's shutdown on a new thread, so the agent stops exactly
 * as it does on SIGTERM elsewhere (its shutdown hooks close the connection and end enrolment); a hook
 * added here waits until the lifecycle has reported {@code STOPPED} with the agent's exit code before
 * the process ends.
 *
 * <p>The SCM gives a service no console, so stdout and stderr (the agent's log) go to a file, which is
 * moved aside to {@code .1} at start once it is over 10 MB.
 *
 * <p>Only the few functions used are declared, so the agent needs {@code jna} alone, not {@code
 * jna-platform}. JNA is loaded only on this path: Linux and macOS never touch it.
 */
public final class WindowsServiceHost {
    static final int SERVICE_WIN32_OWN_PROCESS = 0x10;
    static final int ERROR_FAILED_SERVICE_CONTROLLER_CONNECT = 1063;
    static final long LOG_ROTATE_BYTES = 10L << 20;

    private WindowsServiceHost() {}

    /** {@code SERVICE_TABLE_ENTRYW}; an array of two, the second all zero, ends the table. */
    @Structure.FieldOrder({"serviceName", "serviceProc"})
    public static class ServiceTableEntry extends Structure {
        public WString serviceName;
        public ServiceMain serviceProc;
    }

    /** {@code SERVICE_STATUS}. */
    @Structure.FieldOrder({
        "dwServiceType",
        "dwCurrentState",
        "dwControlsAccepted",
        "dwWin32ExitCode",
        "dwServiceSpecificExitCode",
        "dwCheckPoint",
        "dwWaitHint"
    })
    public static class ServiceStatus extends Structure {
        public int dwServiceType;
        public int dwCurrentState;
        public int dwControlsAccepted;
        public int dwWin32ExitCode;
        public int dwServiceSpecificExitCode;
        public int dwCheckPoint;
        public int dwWaitHint;
    }

    /** {@code LPSERVICE_MAIN_FUNCTIONW}. */
    public interface ServiceMain extends StdCallLibrary.StdCallCallback {
        void callback(int argc, Pointer argv);
    }

    /** {@code LPHANDLER_FUNCTION_EX}. */
    public interface HandlerEx extends StdCallLibrary.StdCallCallback {
        int callback(int control, int eventType, Pointer eventData, Pointer context);
    }

    /** The three functions of {@code advapi32.dll} a service needs. */
    interface Advapi32 extends StdCallLibrary {
        boolean StartServiceCtrlDispatcherW(ServiceTableEntry[] table);

        Pointer RegisterServiceCtrlHandlerExW(WString serviceName, HandlerEx handler, Pointer context);

        boolean SetServiceStatus(Pointer handle, ServiceStatus status);
    }

    /**
     * Hands this thread to the Service Control Manager until the service has stopped.
     *
     * @param log the file stdout and stderr go to
     * @param agent runs the agent (what {@code enginex-agent run} does) and returns its exit code
     * @return the agent's exit code
     * @throws IllegalStateException when not started by the SCM (run from a console)
     */
    public static int run(String serviceName, Path log, IntSupplier agent) {
        redirectOutput(log);
        // JNA unpacks its native part into a temp folder; the virtual account may write only its own folders.
        if (System.getProperty("jna.tmpdir") == null) {
            System.setProperty(
                    "jna.tmpdir", log.toAbsolutePath().resolveSibling("jna").toString());
        }
        Advapi32 api = Native.load("advapi32", Advapi32.class);
        Pointer[] handle = new Pointer[1];
        WindowsServiceLifecycle lifecycle = new WindowsServiceLifecycle(
                status -> {
                    if (handle[0] != null && !api.SetServiceStatus(handle[0], toNative(status))) {
                        System.err.println("SetServiceStatus failed: error " + Native.getLastError());
                    }
                },
                // The handler must return at once; System.exit blocks until the shutdown hooks end.
                () -> Thread.ofPlatform().name("enginex-service-stop").start(() -> System.exit(0)));
        int[] exit = {1};
        HandlerEx handler = (control, eventType, eventData, context) -> lifecycle.control(control);
        ServiceMain main = (argc, argv) -> {
            handle[0] = api.RegisterServiceCtrlHandlerExW(new WString(serviceName), handler, null);
            if (handle[0] == null) {
                System.err.println("RegisterServiceCtrlHandlerExW failed: error " + Native.getLastError());
                return;
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> awaitStopped(lifecycle), "enginex-service-stopped"));
            exit[0] = lifecycle.serve(agent);
        };
        ServiceTableEntry[] table = (ServiceTableEntry[]) new ServiceTableEntry().toArray(2);
        table[0].serviceName = new WString(serviceName);
        table[0].serviceProc = main;
        try {
            if (!api.StartServiceCtrlDispatcherW(table)) {
                int error = Native.getLastError();
                throw new IllegalStateException(
                        error == ERROR_FAILED_SERVICE_CONTROLLER_CONNECT
                                ? "--windows-service is for the Service Control Manager only; start the service with"
                                        + " enginex-agent service start (or sc.exe start " + serviceName
                                        + "), or drop the flag to run in this console"
                                : "StartServiceCtrlDispatcher failed with Windows error " + error);
            }
            return exit[0];
        } finally {
            // The SCM calls back into these until the dispatcher returns; keep them from being collected.
            Reference.reachabilityFence(handler);
            Reference.reachabilityFence(main);
            Reference.reachabilityFence(table);
        }
    }

    static ServiceStatus toNative(ScmStatus status) {
        ServiceStatus s = new ServiceStatus();
        s.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
        s.dwCurrentState = status.state();
        s.dwControlsAccepted = status.controlsAccepted();
        s.dwWin32ExitCode = status.win32ExitCode();
        s.dwServiceSpecificExitCode = status.serviceExitCode();
        s.dwCheckPoint = status.checkPoint();
        s.dwWaitHint = status.waitHintMillis();
        return s;
    }

    private static void awaitStopped(WindowsServiceLifecycle lifecycle) {
        try {
            lifecycle.awaitStopped(WindowsServiceLifecycle.STOP_WAIT_HINT.plus(Duration.ofSeconds(5)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Points stdout and stderr at {@code log} (appending), moving a log over 10 MB aside first. */
    static void redirectOutput(Path log) {
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            if (Files.exists(log) && Files.size(log) > LOG_ROTATE_BYTES) {
                Files.move(log, log.resolveSibling(log.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
            }
            PrintStream out = new PrintStream(new FileOutputStream(log.toFile(), true), true, StandardCharsets.UTF_8);
            System.setOut(out);
            System.setErr(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the service log " + log + ": " + e.getMessage(), e);
        }
    }
}
