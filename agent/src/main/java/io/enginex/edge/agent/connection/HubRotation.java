package io.enginex.edge.agent.connection;

import io.enginex.edge.agent.transport.HubAddresses;
import io.enginex.edge.agent.transport.HubEndpoint;
import io.enginex.edge.agent.transport.HubTarget;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which hub address the connection loop dials next, when the hub has several ({@link HubAddresses})
 * or a host name with several DNS records.
 *
 * <p>The targets of a round are the configured addresses in their order, each name that resolves to
 * several addresses standing for each of them ({@link HubTarget} with an address; a name that resolves
 * to one address, an IP literal, or a name reached through a proxy stays one target dialled by name).
 * Names are resolved again at the start of every round and after every disconnection, so a changed DNS
 * answer is seen.
 *
 * <ul>
 *   <li>The first target is drawn at random, from a generator seeded per agent, so a fleet spreads
 *       evenly over the addresses and an agent goes back to the same one after a restart.
 *   <li>A failed attempt moves on to the next target at once ({@link #failed()} says whether a whole
 *       round has now failed: only then does the loop wait, with its backoff).
 *   <li>A session that ends is retried at the same target (a blip should not move the agent), except
 *       after the hub's "going away" notice (close 1001): then the next target is tried, since that
 *       node is restarting or shutting down.
 *
 *   <li>A changed list ({@link #use}, from {@code enginex-agent identity hubs --set} while the agent
 *       runs) starts a new round over it, at the same target if it is still listed.
 * </ul>
 *
 * <p>Open for the hub to redirect an agent (a future {@code welcome} naming another node): that would
 * be one more method here choosing the target, with the loop unchanged.
 *
 * <p>Not thread-safe: owned by the connection loop.
 */
public final class HubRotation {
    private static final Logger log = LoggerFactory.getLogger(HubRotation.class);

    /** Looks up every address of a host name (the system resolver in production). */
    @FunctionalInterface
    public interface Resolver {
        List<InetAddress> resolve(String host) throws UnknownHostException;

        /** The system's resolver: {@link InetAddress#getAllByName}. */
        static Resolver system() {
            return host -> List.of(InetAddress.getAllByName(host));
        }
    }

    private HubAddresses hubs;
    private final Predicate<HubEndpoint> expandable;
    private final Resolver resolver;
    private final RandomGenerator random;
    private List<HubTarget> targets;
    private int index;
    private int failuresInRound;
    private boolean resolveAgain = true;

    /**
     * @param expandable whether an endpoint's host name may be replaced by its addresses (false when a
     *     proxy stands between, see {@link io.enginex.edge.agent.transport.HubClient#direct})
     * @param random draws the first target; seed it per agent (its id) so a fleet spreads evenly
     */
    public HubRotation(
            HubAddresses hubs, Predicate<HubEndpoint> expandable, Resolver resolver, RandomGenerator random) {
        this.hubs = hubs;
        this.expandable = expandable;
        this.resolver = resolver;
        this.random = random;
    }

    /** The target to dial now. */
    public HubTarget current() {
        if (resolveAgain) {
            HubTarget before = targets == null ? null : targets.get(index);
            targets = expand();
            if (before == null) {
                index = random.nextInt(targets.size());
            } else {
                int same = targets.indexOf(before);
                index = same >= 0 ? same : Math.floorMod(index, targets.size());
            }
            resolveAgain = false;
        }
        return targets.get(index);
    }

    /**
     * The current target failed before {@code welcome}: moves on to the next one.
     *
     * @return true when every target of this round has now failed in a row: the loop waits its backoff
     *     before the next round; false when an untried target remains, to be dialled at once
     */
    public boolean failed() {
        current();
        failuresInRound++;
        index = (index + 1) % targets.size();
        if (failuresInRound >= targets.size()) {
            failuresInRound = 0;
            resolveAgain = true;
            return true;
        }
        return false;
    }

    /** The current target answered with {@code welcome}: a new round starts with the next failure. */
    public void connected() {
        failuresInRound = 0;
    }

    /**
     * A session that reached {@code welcome} ended.
     *
     * @param goingAway the hub said it is going away (restart or shutdown): move on to the next target;
     *     otherwise the same target is tried first
     */
    public void disconnected(boolean goingAway) {
        current();
        failuresInRound = 0;
        if (goingAway) {
            index = (index + 1) % targets.size();
        }
        resolveAgain = true;
    }

    /**
     * The hub's addresses are now {@code changed}: the next {@link #current()} expands them, staying at
     * the current target if it is still among them, and a new round of failures starts. No-op when
     * they did not change.
     */
    public void use(HubAddresses changed) {
        if (changed.equals(hubs)) {
            return;
        }
        hubs = changed;
        failuresInRound = 0;
        resolveAgain = true;
    }

    /** The addresses this rotation dials. */
    public HubAddresses hubs() {
        return hubs;
    }

    /** How many targets the current round has. */
    public int size() {
        current();
        return targets.size();
    }

    private List<HubTarget> expand() {
        List<HubTarget> expanded = new ArrayList<>();
        for (HubEndpoint endpoint : hubs.all()) {
            List<InetAddress> addresses = addresses(endpoint);
            if (addresses.size() < 2) {
                expanded.add(HubTarget.of(endpoint));
            } else {
                addresses.forEach(address -> expanded.add(new HubTarget(endpoint, address)));
            }
        }
        return expanded;
    }

    private List<InetAddress> addresses(HubEndpoint endpoint) {
        String host = endpoint.base().getHost();
        if (isLiteral(host) || !expandable.test(endpoint)) {
            return List.of();
        }
        try {
            // Distinct, in the resolver's order: the same answer gives the same round.
            return resolver.resolve(host).stream().distinct().toList();
        } catch (UnknownHostException e) {
            // Dialled by name, the attempt fails with "the host name cannot be resolved" and moves on.
            log.atDebug().addKeyValue("host", host).log("hub host name does not resolve");
            return List.of();
        }
    }

    private static boolean isLiteral(String host) {
        return host.startsWith("[") || host.matches("\\d{1,3}(\\.\\d{1,3}){3}") || host.contains(":");
    }
}
