package io.enginex.edge.agent.service;

import static io.enginex.edge.agent.service.WindowsServiceLifecycle.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WindowsServiceLifecycleTest {
    private final List<ScmStatus> reports = new CopyOnWriteArrayList<>();
    private final CountDownLatch stop = new CountDownLatch(1);
    private final AtomicInteger stopRequests = new AtomicInteger();
    private final WindowsServiceLifecycle lifecycle = new WindowsServiceLifecycle(reports::add, () -> {
        stopRequests.incrementAndGet();
        stop.countDown();
    });

    @Test
    void aStopControlGoesThroughStopPendingToStoppedWithTheAgentsCleanExit() throws Exception {
        CompletableFuture<Integer> served = CompletableFuture.supplyAsync(() -> lifecycle.serve(() -> {
            try {
                stop.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 0;
        }));
        await().until(() -> reports.size() == 2);

        assertThat(lifecycle.control(SERVICE_CONTROL_STOP)).isEqualTo(NO_ERROR);

        assertThat(served.get()).isZero();
        assertThat(lifecycle.awaitStopped(Duration.ofSeconds(1))).isTrue();
        assertThat(reports)
                .containsExactly(
                        new ScmStatus(SERVICE_START_PENDING, 0, NO_ERROR, 0, 1, 10_000),
                        new ScmStatus(
                                SERVICE_RUNNING, SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN, NO_ERROR, 0, 0, 0),
                        new ScmStatus(SERVICE_STOP_PENDING, 0, NO_ERROR, 0, 1, 15_000),
                        new ScmStatus(SERVICE_STOPPED, 0, NO_ERROR, 0, 0, 0));
        assertThat(stopRequests).hasValue(1);
    }

    @Test
    void shutdownStopsOnceEvenWhenStopFollows() throws Exception {
        CompletableFuture<Integer> served = CompletableFuture.supplyAsync(() -> lifecycle.serve(() -> {
            try {
                stop.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 0;
        }));
        await().until(() -> reports.size() == 2);

        lifecycle.control(SERVICE_CONTROL_SHUTDOWN);
        lifecycle.control(SERVICE_CONTROL_STOP);
        served.get();

        assertThat(stopRequests).hasValue(1);
        assertThat(reports.stream().filter(r -> r.state() == SERVICE_STOP_PENDING))
                .hasSize(1);
    }

    @Test
    void anAgentThatEndsByItselfReportsAServiceSpecificExitCodeSoRecoveryActionsRun() {
        int exit = lifecycle.serve(() -> 3);

        assertThat(exit).isEqualTo(3);
        assertThat(reports.getLast())
                .isEqualTo(new ScmStatus(SERVICE_STOPPED, 0, ERROR_SERVICE_SPECIFIC_ERROR, 3, 0, 0));
        assertThat(stopRequests).hasValue(0);
    }

    @Test
    void anAgentThatThrowsStillReportsStoppedWithExitCodeOne() {
        assertThatThrownBy(() -> lifecycle.serve(() -> {
                    throw new IllegalStateException("broken config");
                }))
                .hasMessage("broken config");

        assertThat(reports.getLast())
                .isEqualTo(new ScmStatus(SERVICE_STOPPED, 0, ERROR_SERVICE_SPECIFIC_ERROR, 1, 0, 0));
    }

    @Test
    void interrogateRepeatsTheCurrentStateAndUnknownControlsAreNotImplemented() {
        CompletableFuture.runAsync(() -> lifecycle.serve(() -> {
            try {
                stop.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 0;
        }));
        await().until(() -> reports.size() == 2);

        assertThat(lifecycle.control(SERVICE_CONTROL_INTERROGATE)).isEqualTo(NO_ERROR);
        assertThat(lifecycle.control(2 /* PAUSE */)).isEqualTo(ERROR_CALL_NOT_IMPLEMENTED);

        assertThat(reports.get(2)).isEqualTo(reports.get(1));
        assertThat(reports).hasSize(3);
        stop.countDown();
    }

    @Test
    void noControlsAreAcceptedWhilePendingOrStopped() {
        assertThat(controlsAccepted(SERVICE_START_PENDING)).isZero();
        assertThat(controlsAccepted(SERVICE_STOP_PENDING)).isZero();
        assertThat(controlsAccepted(SERVICE_STOPPED)).isZero();
        assertThat(lifecycle.control(SERVICE_CONTROL_STOP)).isEqualTo(NO_ERROR);
        assertThat(stopRequests).hasValue(0);
    }

    @Test
    void theNativeStatusCarriesEveryField() {
        WindowsServiceHost.ServiceStatus s =
                WindowsServiceHost.toNative(new ScmStatus(SERVICE_STOPPED, 0, ERROR_SERVICE_SPECIFIC_ERROR, 3, 0, 0));

        assertThat(s.dwServiceType).isEqualTo(0x10);
        assertThat(s.dwCurrentState).isEqualTo(SERVICE_STOPPED);
        assertThat(s.dwWin32ExitCode).isEqualTo(1066);
        assertThat(s.dwServiceSpecificExitCode).isEqualTo(3);
        assertThat(s.size()).isEqualTo(28);
    }
}
