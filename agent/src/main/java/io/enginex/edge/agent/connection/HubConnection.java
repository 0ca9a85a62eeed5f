package io.enginex.edge.agent.connection;

import io.enginex.edge.agent.identity.AgentIdentity;
import io.enginex.edge.agent.identity.ClientAssertion;
import io.enginex.edge.agent.identity.IdentitySource;
import io.enginex.edge.agent.transport.HubAddresses;
import io.enginex.edge.agent.transport.HubClient;
import io.enginex.edge.agent.transport.HubRefusedException;
import io.enginex.edge.agent.transport.HubTarget;
import io.enginex.edge.agent.transport.HubUnreachableException;
import io.enginex.edge.protocol.MessageCodec;
import io.enginex.edge.protocol.Pause;
import io.enginex.edge.protocol.Protocol;
import io.enginex.edge.protocol.Welcome;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's one outbound connection, kept up until {@link #stop()} or revocation: fetch an access
 * token, open the WebSocket, send {@code hello}, wait for {@code welcome}, then exchange frames until
 * the socket ends; then wait a backoff delay and start over.
 *
 * <p>A hub with several addresses (or a host name with several DNS records) is dialled through a
 * {@link HubRotation}: a failed attempt moves on to the next address at once, and only when every
 * address of a round has failed does the loop wait its backoff; after the hub's "going away" notice
 * the next attempt goes to another address.
 *
 * <p>The list of addresses follows the identity file ({@code enginex-agent identity hubs --set} while
 * the agent runs): every {@link ConnectionSettings#hubsCheck()} the loop's watch reads it. The next
 * attempt dials the new list; a session on an address that is no longer listed is closed (1000) and the
 * new list dialled at once, without a backoff; a loop waiting out its backoff is woken to dial it.
 *
 * <p>Close codes: {@value Protocol#CLOSE_REVOKED} (revoked) and {@code agent_revoked}/{@code
 * agent_unknown} from the token endpoint end {@link #run()} with {@link ConnectionOutcome.Kind#REVOKED};
 * everything else (replaced, hub shutdown, heartbeat timeout, network failure, {@code clock_skew})
 * reconnects with backoff ({@link Backoff}): it starts over after a session that stayed up a while,
 * and after the hub's restart notice every delay lies within the window the hub named.
 *
 * <p>Threads: {@link #run()} blocks its caller (the loop thread) for the agent's lifetime. {@link
 * #stop()} may be called from any thread. Heartbeats and the watch of the hub's addresses run on the
 * injected scheduler; the watch only closes a session, wakes the loop and updates the {@link HubClient},
 * while the {@link HubRotation} is changed on the loop thread alone.
 */
public final class HubConnection {
    private static final Logger log = LoggerFactory.getLogger(HubConnection.class);

    private final HubClient hub;
    private final IdentitySource identities;
    private final AgentIdentity identity;
    private final Supplier<AgentProfile> profile;
    private final TenantPolicyHandler policies;
    private final MessageCodec codec;
    private final Inbound inbound;
    private final SessionOutbox outbox;
    private final ScheduledExecutorService scheduler;
    private final ConnectionSettings settings;
    private final Backoff backoff;
    private final HubRotation rotation;
    private final AccessTokens tokens;
    private final ConnectionListener listener;
    private final CountDownLatch stopped = new CountDownLatch(1);
    // Released by stop() and by the watch of the hub's addresses, to end a backoff sleep early.
    private final Semaphore wake = new Semaphore(0);
    private final AtomicReference<Live> current = new AtomicReference<>();
    // Set by the watch when it closed a session whose address is no longer listed.
    private final AtomicBoolean leaving = new AtomicBoolean();
    // The list the watch last read, to log and pass on a change once.
    private volatile HubAddresses watched;
    private final Clock heartbeatClock = new MonotonicClock();

    /** The open session and the address it was dialled at. */
    private record Live(HubSession session, HubTarget target) {}

    /**
     * @param identity read at every connection attempt (a {@link
     *     io.enginex.edge.agent.identity.CurrentIdentity}), so the next assertion uses a rotated key; the
     *     agent id and trust are taken from its first answer; the hub's addresses are followed (above)
     * @param profile read at every connection, so {@code hello} names the tools in force then
     * @param policies applies the tenant policies of {@code welcome} (before the listener hears of it) and
     *     of {@code policy} frames; what it returns is advertised
     * @param inbound receives dispatch and cancel frames (the job runner)
     * @param outbox the outbox the job runner sends to; this connection attaches each session to it
     * @param rotation which of the hub's addresses to dial next
     * @param listener told of each {@code welcome}, disconnection and failed attempt (on the loop thread)
     */
    public HubConnection(
            HubClient hub,
            IdentitySource identity,
            Supplier<AgentProfile> profile,
            TenantPolicyHandler policies,
            MessageCodec codec,
            ClientAssertion assertions,
            Inbound inbound,
            SessionOutbox outbox,
            ScheduledExecutorService scheduler,
            ConnectionSettings settings,
            RandomGenerator random,
            HubRotation rotation,
            ConnectionListener listener) {
        this.hub = hub;
        this.identities = identity;
        this.identity = identity.get();
        this.watched = this.identity.hubs();
        this.profile = profile;
        this.policies = policies;
        this.codec = codec;
        this.inbound = inbound;
        this.outbox = outbox;
        this.scheduler = scheduler;
        this.settings = settings;
        this.backoff = new Backoff(settings.backoffBase(), settings.backoffCap(), random);
        this.rotation = rotation;
        this.tokens = new AccessTokens(hub, identity, assertions);
        this.listener = listener;
    }

    /** Connects and reconnects until stopped or revoked; returns why it ended. */
    public ConnectionOutcome run() {
        long every = settings.hubsCheck().toMillis();
        ScheduledFuture<?> watch =
                scheduler.scheduleWithFixedDelay(this::watchHubs, every, every, TimeUnit.MILLISECONDS);
        try {
            return loop();
        } finally {
            watch.cancel(false);
        }
    }

    private ConnectionOutcome loop() {
        Duration retryAfter = Duration.ZERO;
        while (stopped.getCount() > 0) {
            rotation.use(identities.get().hubs());
            HubTarget target = rotation.current();
            leaving.set(false);
            Attempt attempt = attempt(target);
            if (attempt.revoked() != null) {
                log.atError()
                        .addKeyValue("agentId", identity.agentId())
                        .log(attempt.revoked().message());
                return attempt.revoked();
            }
            if (stopped.getCount() == 0) {
                break;
            }
            if (attempt.retryAfter().compareTo(retryAfter) > 0) {
                retryAfter = attempt.retryAfter();
            }
            backoff.disconnected(attempt.restartWindow());
            if (attempt.welcomed()) {
                rotation.disconnected(attempt.restartWindow() != null);
                listener.disconnected(attempt.problem());
                if (leaving.getAndSet(false)) {
                    // Left on purpose for the new list: nothing failed, so no reason to wait.
                    backoff.reset();
                    continue;
                }
            } else {
                if (attempt.problem() != null) {
                    listener.failed(attempt.problem());
                }
                if (!rotation.failed()) {
                    // An untried address remains: no reason to wait before trying it.
                    log.atInfo()
                            .addKeyValue("failed", target)
                            .addKeyValue("next", rotation.current())
                            .log("trying the hub's next address");
                    continue;
                }
            }
            Duration delay = backoff.next();
            if (delay.compareTo(retryAfter) < 0) {
                delay = retryAfter;
            }
            retryAfter = Duration.ZERO;
            log.atInfo()
                    .addKeyValue("delayMs", delay.toMillis())
                    .addKeyValue("failures", backoff.failures())
                    .addKeyValue("next", rotation.current())
                    .log(
                            rotation.size() > 1 && !attempt.welcomed()
                                    ? "every hub address failed; reconnecting after a delay"
                                    : "reconnecting after a delay");
            if (sleep(delay)) {
                break;
            }
        }
        log.atInfo().log("connection loop stopped");
        return ConnectionOutcome.stopped();
    }

    /**
     * Ends {@link #run()}: closes the current connection (code 1000) and wakes a pending backoff
     * sleep. Idempotent, callable from any thread.
     */
    public void stop() {
        stopped.countDown();
        wake.release();
        Live live = current.get();
        if (live != null) {
            HubSession session = live.session();
            session.close(1000, "agent stopping");
            scheduler.schedule(
                    () -> session.abort(1000, "agent stopping"),
                    settings.closeTimeout().toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    /** True while a connection to the hub is open (for status reports; may be stale the moment it returns). */
    public boolean connected() {
        return current.get() != null;
    }

    /**
     * The watch (on the scheduler): reads the hub's addresses from the identity; a changed list is
     * logged and given to the {@link HubClient} once, and wakes a loop that has no session (waiting out
     * its backoff); a session on an address the list no longer has is closed, so the loop dials the new
     * list. Never throws.
     */
    private void watchHubs() {
        try {
            HubAddresses now = identities.get().hubs();
            if (!now.equals(watched)) {
                log.atInfo()
                        .addKeyValue("hubs", now)
                        .addKeyValue("before", watched)
                        .log("the hub's addresses changed in the identity file; dialling the new list from the next"
                                + " connection");
                watched = now;
                hub.useHubs(now);
                if (current.get() == null) {
                    // Between sessions, perhaps waiting out a backoff after the old list failed: dial now.
                    // (A session's end is not woken: its backoff, a restart notice's window, still holds.)
                    wake.release();
                }
            }
            Live live = current.get();
            if (live != null && !now.all().contains(live.target().endpoint()) && leaving.compareAndSet(false, true)) {
                log.atInfo()
                        .addKeyValue("hub", live.target())
                        .addKeyValue("hubs", now)
                        .log("the hub's addresses no longer include the one connected to; moving to the new list");
                HubSession session = live.session();
                session.close(1000, "agent moving to the hub's new addresses");
                scheduler.schedule(
                        () -> session.abort(1000, "agent moving to the hub's new addresses"),
                        settings.closeTimeout().toMillis(),
                        TimeUnit.MILLISECONDS);
            }
        } catch (RuntimeException e) {
            log.atWarn().setCause(e).log("cannot follow the hub's addresses in the identity file");
        }
    }

    private Attempt attempt(HubTarget target) {
        log.atInfo().addKeyValue("hub", target).log("connecting");
        listener.connecting(target);
        String token;
        try {
            token = tokens.fetch(target);
        } catch (HubRefusedException e) {
            return Attempt.afterRefusal(e, this::revoked);
        } catch (HubUnreachableException e) {
            return Attempt.afterUnreachable(e, identity.trust());
        }
        HubSession session = new HubSession(codec, inbound, policies, heartbeatClock);
        try {
            java.net.http.WebSocket socket = hub.newWebSocketBuilder(target)
                    .header("Authorization", "Bearer " + token)
                    .buildAsync(target.webSocket(Protocol.WEBSOCKET_PATH), session)
                    .get();
            session.opened(socket);
        } catch (ExecutionException e) {
            RuntimeException failure = hub.webSocketFailure(target, Protocol.WEBSOCKET_PATH, e.getCause());
            if (failure instanceof HubRefusedException refused) {
                return Attempt.afterRefusal(refused, this::revoked);
            }
            return Attempt.afterUnreachable((HubUnreachableException) failure, identity.trust());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped.countDown();
            return Attempt.failed();
        }
        Live live = new Live(session, target);
        current.set(live);
        outbox.attach(session);
        try {
            return converse(session, target);
        } finally {
            outbox.detach(session);
            current.compareAndSet(live, null);
        }
    }

    private Attempt converse(HubSession session, HubTarget target) {
        if (stopped.getCount() == 0) {
            session.close(1000, "agent stopping");
        }
        Pause announced = outbox.pause();
        session.send(profile.get().hello(session.nextId(), announced));
        Welcome welcome;
        try {
            welcome = session.welcome().get(settings.welcomeTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            log.atWarn()
                    .addKeyValue("timeoutMs", settings.welcomeTimeout().toMillis())
                    .log("hub sent no welcome");
            session.abort(CloseInfo.ABNORMAL, "no welcome");
            return Attempt.failed();
        } catch (ExecutionException e) {
            return Attempt.afterClose(
                    session.closed().getNow(new CloseInfo(CloseInfo.ABNORMAL, "closed before welcome")),
                    false,
                    this::revoked);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            session.abort(1000, "agent stopping");
            return Attempt.failed();
        }
        if (!Protocol.isCompatible(welcome.protocol())) {
            log.atError()
                    .addKeyValue("hubProtocol", welcome.protocol())
                    .addKeyValue("agentProtocol", Protocol.VERSION)
                    .log("the hub speaks another protocol major version; update the agent or the hub");
            session.close(Protocol.CLOSE_UNSUPPORTED, "unsupported protocol");
            awaitClosed(session);
            return Attempt.failed();
        }
        if (!welcome.agentId().equals(identity.agentId())) {
            log.atWarn()
                    .addKeyValue("expected", identity.agentId())
                    .addKeyValue("hubSays", welcome.agentId())
                    .log("the hub welcomed this agent under another id");
        }
        log.atInfo()
                .addKeyValue("hub", target)
                .addKeyValue("agentId", welcome.agentId())
                .addKeyValue("tenant", welcome.tenant())
                .addKeyValue("heartbeatMillis", welcome.heartbeatMillis())
                .addKeyValue("hubNode", welcome.hubNode())
                .log("connected");
        backoff.connected();
        rotation.connected();
        // Key rotation and the like talk to the node this agent is connected to first.
        hub.prefer(target);
        outbox.welcomed(session, announced);
        if (welcome.tenantPolicies() != null) {
            try {
                session.applyTenantPolicies(welcome.tenantPolicies());
            } catch (RuntimeException e) {
                log.atError().setCause(e).log("applying the hub's tenant policies failed");
            }
        }
        if (welcome.graphs() != null) {
            session.assignGraphs(welcome.tenant(), welcome.graphs());
        }
        listener.connected(welcome);
        Heartbeat heartbeat =
                Heartbeat.start(session, Duration.ofMillis(welcome.heartbeatMillis()), heartbeatClock, scheduler);
        try {
            return Attempt.afterClose(awaitClosed(session), true, this::revoked);
        } finally {
            heartbeat.cancel();
        }
    }

    private static CloseInfo awaitClosed(HubSession session) {
        CompletableFuture<CloseInfo> closed = session.closed();
        try {
            return closed.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            session.abort(1000, "agent stopping");
            return closed.getNow(new CloseInfo(1000, "agent stopping"));
        } catch (ExecutionException e) {
            return new CloseInfo(CloseInfo.ABNORMAL, String.valueOf(e.getCause()));
        }
    }

    private ConnectionOutcome revoked(String detail) {
        return ConnectionOutcome.revoked(hub.hubs().toString(), trustOption(), detail);
    }

    private String trustOption() {
        if (identity.trust().pin() != null) {
            return " --pin " + identity.trust().pin();
        }
        return identity.trust().caFile() == null
                ? ""
                : " --ca-file " + identity.trust().caFile();
    }

    /**
     * Sleeps {@code delay} unless stopped or woken first (a changed list of addresses); returns whether
     * it was stopped. A wake that came while no sleep was pending ends the next sleep at once.
     */
    private boolean sleep(Duration delay) {
        if (stopped.getCount() == 0) {
            return true;
        }
        try {
            if (wake.tryAcquire(delay.toMillis(), TimeUnit.MILLISECONDS)) {
                wake.drainPermits();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped.countDown();
        }
        return stopped.getCount() == 0;
    }
}
