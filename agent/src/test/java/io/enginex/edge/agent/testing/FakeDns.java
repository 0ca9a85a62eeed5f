package io.enginex.edge.agent.testing;

import io.enginex.edge.agent.network.NetworkGuard;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A resolver double that answers lookups from a script, one answer per lookup (the last answer
 * repeats), as a DNS rebinding attacker's server would: a harmless address for the check, another
 * one after. Records every name it was asked for. Thread-safe.
 */
public final class FakeDns implements NetworkGuard.Resolver {
    private final List<InetAddress> answers;
    private final List<String> lookups = new CopyOnWriteArrayList<>();

    /** @param answers IP literals, the n-th answering the n-th lookup */
    public FakeDns(String... answers) throws UnknownHostException {
        this.answers = new CopyOnWriteArrayList<>();
        for (String answer : answers) {
            this.answers.add(InetAddress.getByName(answer));
        }
    }

    @Override
    public InetAddress[] resolve(String host) {
        int n = lookups.size();
        lookups.add(host);
        return new InetAddress[] {answers.get(Math.min(n, answers.size() - 1))};
    }

    /** The names looked up so far, in order. */
    public List<String> lookups() {
        return List.copyOf(lookups);
    }
}
