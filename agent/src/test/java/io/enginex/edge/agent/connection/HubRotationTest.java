package io.enginex.edge.agent.connection;

import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.agent.transport.HubAddresses;
import io.enginex.edge.agent.transport.HubTarget;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HubRotationTest {
    private static final HubAddresses THREE =
            HubAddresses.parse("https://a.example.com,https://b.example.com,https://c.example.com");

    /** Names that do not resolve to several addresses: each endpoint is one target. */
    private static final HubRotation.Resolver ONE_EACH = host -> List.of(InetAddress.getByName("192.0.2.1"));

    private static HubRotation rotation(HubAddresses hubs, HubRotation.Resolver resolver, long seed) {
        return new HubRotation(hubs, endpoint -> true, resolver, new SplittableRandom(seed));
    }

    private static String host(HubTarget target) {
        return target.address() == null
                ? target.host()
                : target.host() + "/" + target.address().getHostAddress();
    }

    @Test
    void failuresMoveOnAtOnceAndOnlyAFullRoundAsksForTheBackoff() {
        HubRotation rotation = rotation(THREE, ONE_EACH, 7);
        String first = host(rotation.current());
        List<String> tried = new ArrayList<>();
        List<Boolean> roundOver = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            tried.add(host(rotation.current()));
            roundOver.add(rotation.failed());
        }

        assertThat(tried.subList(0, 3)).containsExactlyInAnyOrder("a.example.com", "b.example.com", "c.example.com");
        assertThat(tried.subList(3, 6)).isEqualTo(tried.subList(0, 3)); // the next round, same order
        assertThat(roundOver).containsExactly(false, false, true, false, false, true);
        assertThat(tried.get(0)).isEqualTo(first);
    }

    @Test
    void theSameSeedStartsAtTheSameAddress_andAFleetSpreadsEvenly() {
        assertThat(host(rotation(THREE, ONE_EACH, 42).current()))
                .isEqualTo(host(rotation(THREE, ONE_EACH, 42).current()));

        Map<String, Integer> starts = new HashMap<>();
        for (int agent = 0; agent < 3000; agent++) {
            String id = "agt_" + agent;
            starts.merge(host(rotation(THREE, ONE_EACH, id.hashCode()).current()), 1, Integer::sum);
        }
        // 1,000 each if perfectly even; a fixed seed makes this deterministic, not flaky.
        assertThat(starts).containsOnlyKeys("a.example.com", "b.example.com", "c.example.com");
        assertThat(starts.values()).allSatisfy(n -> assertThat(n).isBetween(900, 1100));
    }

    @Test
    void aChangedListKeepsTheCurrentAddressIfListedAndStartsANewRound() {
        HubRotation rotation = rotation(THREE, ONE_EACH, 7);
        HubTarget current = rotation.current();
        assertThat(rotation.failed()).isFalse(); // one failure of three in this round
        HubTarget now = rotation.current();

        HubAddresses grown = HubAddresses.parse(THREE + ",https://d.example.com");
        rotation.use(grown);

        assertThat(rotation.hubs()).isEqualTo(grown);
        assertThat(rotation.current()).isEqualTo(now);
        assertThat(rotation.size()).isEqualTo(4);
        // The round starts over: four failures in a row, not two, before the backoff.
        assertThat(List.of(rotation.failed(), rotation.failed(), rotation.failed(), rotation.failed()))
                .containsExactly(false, false, false, true);
        assertThat(current).isNotEqualTo(now);
    }

    @Test
    void aChangedListWithoutTheCurrentAddressDialsOneOfTheNewOnes() {
        HubRotation rotation = rotation(THREE, ONE_EACH, 7);
        rotation.current();

        rotation.use(HubAddresses.parse("https://x.example.com,https://y.example.com"));

        assertThat(host(rotation.current())).isIn("x.example.com", "y.example.com");
        assertThat(rotation.size()).isEqualTo(2);
    }

    @Test
    void aSessionThatEndsIsRetriedAtTheSameAddress_butGoingAwayMovesOn() {
        HubRotation rotation = rotation(THREE, ONE_EACH, 3);
        HubTarget connectedTo = rotation.current();
        rotation.connected();

        rotation.disconnected(false);
        assertThat(rotation.current()).isEqualTo(connectedTo);

        rotation.connected();
        rotation.disconnected(true);
        HubTarget next = rotation.current();
        assertThat(next).isNotEqualTo(connectedTo);

        // A round counts from the disconnection: the two others fail before the backoff is asked for.
        assertThat(rotation.failed()).isFalse();
        assertThat(rotation.failed()).isFalse();
        assertThat(rotation.failed()).isTrue();
    }

    @Test
    void aWelcomeStartsTheRoundOver() {
        HubRotation rotation = rotation(THREE, ONE_EACH, 5);
        assertThat(rotation.failed()).isFalse();
        assertThat(rotation.failed()).isFalse();
        rotation.connected(); // the third answered
        rotation.disconnected(false);
        assertThat(rotation.failed()).isFalse();
        assertThat(rotation.failed()).isFalse();
        assertThat(rotation.failed()).isTrue();
    }

    @Test
    void aNameWithSeveralRecordsIsTriedAtEachAddress() {
        HubRotation.Resolver dns = host -> switch (host) {
            case "hub.example.com" ->
                List.of(
                        InetAddress.getByName("192.0.2.1"),
                        InetAddress.getByName("192.0.2.2"),
                        InetAddress.getByName("192.0.2.2"));
            default -> throw new UnknownHostException(host);
        };
        HubRotation rotation = rotation(HubAddresses.parse("https://hub.example.com"), dns, 1);

        List<String> tried = new ArrayList<>();
        boolean over;
        do {
            tried.add(host(rotation.current()));
            over = rotation.failed();
        } while (!over);

        assertThat(tried).containsExactlyInAnyOrder("hub.example.com/192.0.2.1", "hub.example.com/192.0.2.2");
        assertThat(rotation.current().host()).isEqualTo("hub.example.com"); // TLS still names the host
    }

    @Test
    void oneRecordAnUnknownNameAnIpLiteralOrAProxyDialTheUrlAsWritten() {
        HubRotation.Resolver dns = host -> switch (host) {
            case "one.example.com" -> List.of(InetAddress.getByName("192.0.2.1"));
            case "proxied.example.com" ->
                List.of(InetAddress.getByName("192.0.2.3"), InetAddress.getByName("192.0.2.4"));
            default -> throw new UnknownHostException(host);
        };
        HubAddresses hubs = HubAddresses.parse(
                "https://one.example.com,https://gone.example.com,https://192.0.2.9,https://proxied.example.com");
        HubRotation rotation = new HubRotation(
                hubs, endpoint -> !endpoint.toString().contains("proxied"), dns, new SplittableRandom(0));

        assertThat(rotation.size()).isEqualTo(4);
        for (int i = 0; i < 4; i++) {
            assertThat(rotation.current().address()).isNull();
            rotation.failed();
        }
    }

    @Test
    void aNewDnsAnswerIsSeenAtTheNextRound() {
        List<List<String>> answers =
                new ArrayList<>(List.of(List.of("192.0.2.1", "192.0.2.2"), List.of("192.0.2.5", "192.0.2.6")));
        HubRotation.Resolver dns = host -> {
            List<String> answer = answers.size() > 1 ? answers.remove(0) : answers.get(0);
            List<InetAddress> addresses = new ArrayList<>();
            for (String ip : answer) {
                addresses.add(InetAddress.getByName(ip));
            }
            return addresses;
        };
        HubRotation rotation = rotation(HubAddresses.parse("https://hub.example.com"), dns, 9);
        assertThat(rotation.current().address().getHostAddress()).startsWith("192.0.2.");
        rotation.failed();
        assertThat(rotation.failed()).isTrue();

        assertThat(rotation.current().address().getHostAddress()).isIn("192.0.2.5", "192.0.2.6");
    }

    @Test
    void oneAddressBehavesAsBefore_everyFailureIsARound() {
        HubRotation rotation = rotation(HubAddresses.parse("https://hub.example.com"), ONE_EACH, 11);
        assertThat(rotation.failed()).isTrue();
        assertThat(rotation.failed()).isTrue();
        rotation.disconnected(true);
        assertThat(rotation.current().host()).isEqualTo("hub.example.com");
    }
}
