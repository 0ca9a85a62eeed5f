package io.enginex.edge.agent.transport;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Every address of one hub: its nodes when it runs as several without a load balancer in front, or
 * one URL. The agent spreads over them ({@code connection.HubRotation}) and falls back from one to the
 * next. All share the agent's one trust setting (pin or CA file), so all must use the same scheme.
 *
 * <p>{@link #toString()} lists them comma-separated, the form {@link #parse} reads back, so a message
 * can say {@code --server <addresses>}.
 *
 * @param all at least one, no duplicates, in the order given
 */
public record HubAddresses(List<HubEndpoint> all) {
    public HubAddresses {
        if (all == null || all.isEmpty()) {
            throw new IllegalArgumentException("no hub URL given; pass --server https://your-hub.example.com");
        }
        all = List.copyOf(new LinkedHashSet<>(all));
        Set<String> schemes = all.stream().map(e -> e.base().getScheme()).collect(Collectors.toSet());
        if (schemes.size() > 1) {
            throw new IllegalArgumentException("the hub URLs mix https:// and http:// (" + joined(all)
                    + "); list the nodes of one hub, all with https:// (http:// only for a hub on this machine)");
        }
    }

    /** One address. */
    public static HubAddresses of(HubEndpoint endpoint) {
        return new HubAddresses(List.of(endpoint));
    }

    /**
     * Parses what a person gave: each value one URL or several separated by commas (a repeated {@code
     * --server}, a {@code server =} line of the config file). Empty pieces are skipped; duplicates are
     * dropped.
     *
     * @throws IllegalArgumentException naming the URL that is wrong and what to type instead
     */
    public static HubAddresses parse(List<String> values) {
        List<String> pieces = new ArrayList<>();
        if (values != null) {
            for (String value : values) {
                if (value == null) {
                    continue;
                }
                for (String piece : value.split(",")) {
                    if (!piece.isBlank()) {
                        pieces.add(piece.strip());
                    }
                }
            }
        }
        if (pieces.isEmpty()) {
            throw new IllegalArgumentException("hub URL is empty; pass --server https://your-hub.example.com");
        }
        List<HubEndpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < pieces.size(); i++) {
            try {
                endpoints.add(HubEndpoint.parse(pieces.get(i)));
            } catch (IllegalArgumentException e) {
                throw pieces.size() == 1
                        ? e
                        : new IllegalArgumentException(
                                "hub URL " + (i + 1) + " of " + pieces.size() + " (" + pieces.get(i) + "): "
                                        + e.getMessage(),
                                e);
            }
        }
        return new HubAddresses(endpoints);
    }

    /** Parses one value, which may hold several URLs separated by commas. */
    public static HubAddresses parse(String value) {
        return parse(value == null ? List.of() : List.of(value));
    }

    /** The first address given: the one messages name when they need one. */
    public HubEndpoint first() {
        return all.get(0);
    }

    public int size() {
        return all.size();
    }

    /** Whether the hub is reached over TLS (the same for every address). */
    public boolean secure() {
        return first().secure();
    }

    private static String joined(List<HubEndpoint> endpoints) {
        return endpoints.stream().map(HubEndpoint::toString).collect(Collectors.joining(","));
    }

    @Override
    public String toString() {
        return joined(all);
    }
}
