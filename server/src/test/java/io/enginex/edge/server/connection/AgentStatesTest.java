package io.enginex.edge.server.connection;

import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.protocol.MessageCodec;
import io.enginex.edge.server.testing.FakeClock;
import io.enginex.edge.server.testing.RecordingChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class AgentStatesTest {
    private final FakeClock clock = new FakeClock(Instant.parse("2026-11-26T10:00:00Z"));
    private final ConnectionRegistry registry = new ConnectionRegistry();
    // What dispatch.Deliveries keeps per socket: job -> last sign of life (its own rules are tested in
    // DeliveriesTest); here only how the states read it.
    private final Map<String, Instant> inFlight = new ConcurrentHashMap<>();
    private final AgentStates states =
            new AgentStates(registry, c -> Map.copyOf(inFlight), clock, Duration.ofMinutes(2));

    private void sentOrAlive(String jobId) {
        inFlight.put(jobId, clock.instant());
    }

    private AgentConnection ready(String agent) {
        AgentConnection c =
                new AgentConnection("s-" + agent, "acme", agent, new RecordingChannel(), new MessageCodec(), clock);
        registry.opened(c);
        registry.activate(c);
        return c;
    }

    @Test
    void anAgentWithoutAConnectionHereIsOffline() {
        assertThat(states.of("acme", "agt_1")).isEqualTo(AgentStatus.OFFLINE);
    }

    @Test
    void aConnectedAgentWithNothingInFlightIsOnline() {
        ready("agt_1");

        AgentStatus status = states.of("acme", "agt_1");

        assertThat(status.state()).isEqualTo(AgentState.ONLINE);
        assertThat(status.detail()).isNull();
        assertThat(status.connected()).isTrue();
    }

    @Test
    void anAgentIsOfflineInAnotherTenant() {
        ready("agt_1");

        assertThat(states.of("other", "agt_1").state()).isEqualTo(AgentState.OFFLINE);
    }

    @Test
    void aJobSentAndAcknowledgedRecentlyMakesItBusy() {
        AgentConnection c = ready("agt_1");
        sentOrAlive("job_1");
        clock.advance(Duration.ofSeconds(90));
        c.markFrameReceived();
        sentOrAlive("job_1");
        clock.advance(Duration.ofSeconds(90));
        c.markFrameReceived();

        AgentStatus status = states.of("acme", "agt_1");

        assertThat(status.state()).isEqualTo(AgentState.BUSY);
        assertThat(status.jobsInFlight()).isEqualTo(1);
    }

    @Test
    void aJobWithoutAckOrProgressPastTheLimitMakesAConnectedAgentUnresponsive() {
        AgentConnection c = ready("agt_1");
        sentOrAlive("job_1");
        sentOrAlive("job_2");
        clock.advance(Duration.ofSeconds(60));
        sentOrAlive("job_2");
        clock.advance(Duration.ofSeconds(61));
        c.markFrameReceived(); // heartbeats still answered: the socket is fine, the job is not

        AgentStatus status = states.of("acme", "agt_1");

        assertThat(status.state()).isEqualTo(AgentState.UNRESPONSIVE);
        assertThat(status.stalledJobId()).isEqualTo("job_1");
        assertThat(status.detail()).contains("job_1").contains("121s").contains("limit 2m");
        assertThat(status.connected()).isTrue();
    }

    @Test
    void exactlyAtTheLimitAnAgentIsStillBusy() {
        AgentConnection c = ready("agt_1");
        sentOrAlive("job_1");
        clock.advance(Duration.ofMinutes(2));
        c.markFrameReceived();

        assertThat(states.of("acme", "agt_1").state()).isEqualTo(AgentState.BUSY);
    }

    @Test
    void aRenewedLeaseMakesItBusyAgainAndNothingInFlightOnline() {
        AgentConnection c = ready("agt_1");
        sentOrAlive("job_1");
        clock.advance(Duration.ofMinutes(3));
        c.markFrameReceived();
        assertThat(states.of("acme", "agt_1").state()).isEqualTo(AgentState.UNRESPONSIVE);

        sentOrAlive("job_1");
        assertThat(states.of("acme", "agt_1").state()).isEqualTo(AgentState.BUSY);

        inFlight.remove("job_1");
        assertThat(states.of("acme", "agt_1").state()).isEqualTo(AgentState.ONLINE);
    }

    @Test
    void aConnectionSilentPastTheLimitIsUnresponsiveEvenWithNothingInFlight() {
        ready("agt_1");
        clock.advance(Duration.ofSeconds(150));

        AgentStatus status = states.of("acme", "agt_1");

        assertThat(status.state()).isEqualTo(AgentState.UNRESPONSIVE);
        assertThat(status.detail()).contains("no frame for 150s");
    }

    @Test
    void statesHaveLowerCaseWireNames() {
        assertThat(AgentState.UNRESPONSIVE.wire()).isEqualTo("unresponsive");
        assertThat(AgentState.fromWire("busy")).isEqualTo(AgentState.BUSY);
        assertThat(AgentState.fromWire("green")).isNull();
    }
}
