package io.enginex.edge.server.connection;

import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.protocol.Hello;
import io.enginex.edge.protocol.MessageCodec;
import io.enginex.edge.protocol.Ping;
import io.enginex.edge.protocol.Protocol;
import io.enginex.edge.server.testing.FakeClock;
import io.enginex.edge.server.testing.RecordingChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConnectionRegistryTest {
    private final FakeClock clock = new FakeClock(Instant.parse("2026-11-26T10:00:00Z"));
    private final ConnectionRegistry registry = new ConnectionRegistry();

    private AgentConnection open(String socket, String tenant, String agent, RecordingChannel channel) {
        AgentConnection c = new AgentConnection(socket, tenant, agent, channel, new MessageCodec(), clock);
        registry.opened(c);
        return c;
    }

    @Test
    void newerConnectionOfAnAgentReplacesTheOlderWith4002() {
        RecordingChannel oldChannel = new RecordingChannel();
        AgentConnection older = open("s1", "acme", "agt_1", oldChannel);
        registry.activate(older);
        AgentConnection newer = open("s2", "acme", "agt_1", new RecordingChannel());

        registry.activate(newer);
        registry.closed(older);

        assertThat(oldChannel.closeCode()).isEqualTo(Protocol.CLOSE_REPLACED);
        assertThat(registry.find("acme", "agt_1")).containsSame(newer);
        assertThat(registry.activeCount()).isEqualTo(1);
    }

    @Test
    void agentsAreFoundOnlyInTheirTenant() {
        registry.activate(open("s1", "acme", "agt_1", new RecordingChannel()));

        assertThat(registry.isConnected("acme", "agt_1")).isTrue();
        assertThat(registry.isConnected("globex", "agt_1")).isFalse();
    }

    @Test
    void closeAgentClosesEverySocketOfItIncludingOnesBeforeHello() {
        RecordingChannel ready = new RecordingChannel();
        RecordingChannel early = new RecordingChannel();
        RecordingChannel bystander = new RecordingChannel();
        registry.activate(open("s1", "acme", "agt_1", ready));
        open("s2", "acme", "agt_1", early);
        registry.activate(open("s3", "acme", "agt_2", bystander));

        int closed = registry.closeAgent("acme", "agt_1", Protocol.CLOSE_REVOKED, "agent revoked");

        assertThat(closed).isEqualTo(2);
        assertThat(ready.closeCode()).isEqualTo(Protocol.CLOSE_REVOKED);
        assertThat(early.closeCode()).isEqualTo(Protocol.CLOSE_REVOKED);
        assertThat(bystander.closeCode()).isNull();
        assertThat(registry.isConnected("acme", "agt_1")).isFalse();
        assertThat(registry.sockets()).hasSize(1);
    }

    @Test
    void anotherNodesNewerConnectionClosesOnlySocketsThatOpenedNoLaterThanIt() {
        RecordingChannel stale = new RecordingChannel();
        registry.activate(open("s1", "acme", "agt_1", stale));
        clock.advance(Duration.ofSeconds(1));
        Instant otherNodesSocketOpened = clock.instant();
        clock.advance(Duration.ofMillis(90));
        RecordingChannel newer = new RecordingChannel();
        open("s2", "acme", "agt_1", newer); // its hello is being answered when the late signal arrives

        int closed = registry.closeReplaced("acme", "agt_1", otherNodesSocketOpened, "moved");

        assertThat(closed).isEqualTo(1);
        assertThat(stale.closeCode()).isEqualTo(Protocol.CLOSE_REPLACED);
        assertThat(newer.closeCode())
                .as("a socket newer than the other node's is kept")
                .isNull();
        assertThat(registry.sockets()).extracting(AgentConnection::socketId).containsExactly("s2");
    }

    @Test
    void heartbeatPingsQuietLiveSocketsAndDropsSilentOnesWith4003() {
        RecordingChannel silent = new RecordingChannel();
        RecordingChannel lively = new RecordingChannel();
        registry.activate(open("s1", "acme", "agt_1", silent));
        clock.advance(Duration.ofSeconds(20));
        AgentConnection chatty = open("s2", "acme", "agt_2", lively);
        chatty.markReady(new Hello("a-1", Protocol.VERSION, "1.0.0", "Linux", "amd64", "host", List.of(), ""));
        registry.activate(chatty);
        clock.advance(Duration.ofSeconds(11));
        chatty.markFrameReceived();
        clock.advance(Duration.ofSeconds(12)); // quiet for more than three quarters of the 15 s interval

        new Heartbeat(registry, clock, Duration.ofSeconds(15), Runnable::run).run();

        assertThat(silent.closeCode()).isEqualTo(Protocol.CLOSE_HEARTBEAT_TIMEOUT);
        assertThat(registry.isConnected("acme", "agt_1")).isFalse();
        assertThat(lively.sent()).singleElement().asString().contains("\"type\":\"ping\"");
    }

    @Test
    void failedSendDropsTheSocket() {
        RecordingChannel channel = new RecordingChannel();
        AgentConnection c = open("s1", "acme", "agt_1", channel);
        channel.failSends();

        assertThat(c.send(new Ping("h-1"))).isFalse();
        assertThat(channel.aborted()).isTrue();
    }
}
