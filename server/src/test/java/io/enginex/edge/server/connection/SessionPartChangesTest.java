package io.enginex.edge.server.connection;

import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.server.store.AgentSessionPart;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SessionPartChangesTest {
    static final Instant T0 = Instant.parse("2026-12-05T08:00:00Z");
    static final Instant T1 = Instant.parse("2026-12-05T09:00:00Z");

    static AgentSessionPart part(String user, String type, Instant since, Instant reportedAt) {
        return new AgentSessionPart(user, type, since, reportedAt);
    }

    @Test
    void theSameListReportedAgainChangesNothingWhateverItsReportTime() {
        var before = List.of(part("alice", "wayland", T0, T0), part("bob", "x11", T0, T0));
        var again = List.of(part("bob", "x11", T0, T1), part("alice", "wayland", T0, T1));

        assertThat(SessionPartChanges.between(before, again).none()).isTrue();
        assertThat(SessionPartChanges.between(List.of(), List.of()).none()).isTrue();
    }

    @Test
    void aUserGoneEndedAUserNewStartedAndASessionReplacedDidBoth() {
        var alice = part("alice", "wayland", T0, T0);
        var bob = part("bob", "x11", T0, T0);
        var carol = part("carol", "tty", T1, T1);
        var bobAgain = part("bob", "x11", T1, T1);

        var changes = SessionPartChanges.between(List.of(alice, bob), List.of(bobAgain, carol));

        assertThat(changes.ended()).containsExactly(alice, bob);
        assertThat(changes.started()).containsExactly(bobAgain, carol);
    }

    @Test
    void aChangedSessionTypeIsAnotherSessionPart() {
        var x11 = part("alice", "x11", T0, T0);
        var wayland = part("alice", "wayland", T0, T1);

        var changes = SessionPartChanges.between(List.of(x11), List.of(wayland));

        assertThat(changes.ended()).containsExactly(x11);
        assertThat(changes.started()).containsExactly(wayland);
    }
}
