package io.enginex.edge.agent.service;

/**
 * One report to the Windows Service Control Manager: the fields of Win32 {@code SERVICE_STATUS} that
 * a service sets ({@code dwServiceType} is always {@code SERVICE_WIN32_OWN_PROCESS}).
 *
 * @param state {@code SERVICE_START_PENDING}, {@code SERVICE_RUNNING}, … (constants in {@link
 *     WindowsServiceLifecycle})
 * @param controlsAccepted {@code SERVICE_ACCEPT_*} bits; none while pending
 * @param win32ExitCode 0, or {@code ERROR_SERVICE_SPECIFIC_ERROR} when {@code serviceExitCode} says why
 * @param serviceExitCode the agent's exit code (docs: 1 failure, 2 usage/not registered, 3 revoked)
 * @param checkPoint grows during a pending state so the SCM sees progress; 0 otherwise
 * @param waitHintMillis how long the SCM should wait for the next report in a pending state
 */
public record ScmStatus(
        int state, int controlsAccepted, int win32ExitCode, int serviceExitCode, int checkPoint, int waitHintMillis) {}
