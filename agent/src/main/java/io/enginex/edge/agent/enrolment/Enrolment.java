package io.enginex.edge.agent.enrolment;

import io.enginex.edge.agent.connection.Backoff;
import io.enginex.edge.agent.identity.AgentIdentity;
import io.enginex.edge.agent.identity.IdentityFile;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first start of a service install: waits until this agent has an identity, enrolling with the
 * hub and token of the {@link AgentConfigFile} when it has none.
 *
 * <p>Each attempt re-reads the file, so an admin can fix or place it while the service runs. A failed
 * attempt (no file or token yet, hub unreachable, token refused) is logged at ERROR with its reason,
 * handed to {@code onFailure} (the status file shows it), and retried after a backoff with full jitter
 * up to the cap. After success the token is deleted from the file. Never silent, never gives up: only
 * {@link #stop()} ends the wait.
 */
public final class Enrolment {
    private static final Logger log = LoggerFactory.getLogger(Enrolment.class);

    /** One registration with the hub and trust of {@code config}; throws with a reason on failure. */
    @FunctionalInterface
    public interface Registration {
        AgentIdentity register(AgentConfig config);
    }

    private final AgentConfigFile configFile;
    private final IdentityFile identityFile;
    private final Registration registration;
    private final Backoff backoff;
    private final Consumer<String> onFailure;
    private final CountDownLatch stopped = new CountDownLatch(1);

    public Enrolment(
            AgentConfigFile configFile,
            IdentityFile identityFile,
            Registration registration,
            Backoff backoff,
            Consumer<String> onFailure) {
        this.configFile = configFile;
        this.identityFile = identityFile;
        this.registration = registration;
        this.backoff = backoff;
        this.onFailure = onFailure;
    }

    /**
     * Returns the identity: the saved one, or a new one after enrolling.
     *
     * @return empty only when {@link #stop()} was called first
     */
    public Optional<AgentIdentity> awaitIdentity() {
        while (stopped.getCount() > 0) {
            if (identityFile.exists()) {
                return Optional.of(identityFile.load());
            }
            String reason;
            try {
                AgentConfig config = configFile.load();
                if (!config.canEnrol()) {
                    reason = "not enrolled and " + configFile.path() + " has no "
                            + (config.server() == null ? "server" : "token")
                            + "; put server = URL and token = TOKEN (engine tokens create) in it";
                } else {
                    AgentIdentity identity = registration.register(config);
                    log.atInfo()
                            .addKeyValue("agentId", identity.agentId())
                            .addKeyValue("tenant", identity.tenant())
                            .addKeyValue("hub", identity.hubs())
                            .log("enrolled");
                    try {
                        configFile.removeToken();
                    } catch (ConfigException e) {
                        log.atWarn().log(e.getMessage());
                    }
                    return Optional.of(identity);
                }
            } catch (RuntimeException e) {
                reason = e.getMessage();
            }
            Duration delay = backoff.next();
            log.atError()
                    .addKeyValue("retryInMs", delay.toMillis())
                    .addKeyValue("failures", backoff.failures())
                    .log("enrolment failed: " + reason);
            onFailure.accept(reason);
            try {
                if (stopped.await(delay.toMillis(), TimeUnit.MILLISECONDS)) {
                    break;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return Optional.empty();
    }

    /** Ends {@link #awaitIdentity()} at its next wait. Callable from any thread. */
    public void stop() {
        stopped.countDown();
    }
}
