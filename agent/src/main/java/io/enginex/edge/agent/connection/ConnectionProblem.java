package io.enginex.edge.agent.connection;

import io.enginex.edge.agent.transport.HubRefusedException;
import io.enginex.edge.agent.transport.HubUnreachableException;
import io.enginex.edge.agent.transport.TrustSettings;

/**
 * Why the agent is not connected, for a person: what happened and what to do about it. The fixes are
 * the ones {@code enginex-agent doctor} prints for the same failure (it uses these texts).
 *
 * @param what what happened, e.g. {@code cannot reach https://hub:8443 (connection refused: …)}
 * @param fix what to do next
 */
public record ConnectionProblem(String what, String fix) {
    public static final String TCP_FIX = "is the hub running and the port right? check firewalls between here and the"
            + " hub; behind a proxy set HTTPS_PROXY";
    public static final String CLOCK_FIX = "enable time sync: timedatectl set-ntp true (Linux), w32tm /resync"
            + " (Windows), sntp -sS time.apple.com (macOS); the hub refuses assertions more than 2 min off";
    public static final String HEARTBEAT_FIX = "the network or a proxy between here and the hub drops idle or"
            + " long-lived connections; the agent reconnects by itself (enginex-agent doctor checks the path)";

    /** What to do when the hub's TLS certificate is refused under {@code trust}. */
    public static String tlsFix(TrustSettings trust) {
        if (trust.pinned()) {
            return "the hub's certificate changed or the pin is wrong: compare with engine serve's fingerprint, then"
                    + " re-register with the right --pin (or update pin = in the config before enrolling)";
        }
        return trust.caFile() != null
                ? "the hub's certificate is not issued by the CA in " + trust.caFile() + "; use the right CA file"
                : "the hub's certificate is not trusted by this system: use --ca-file with your CA, or --pin"
                        + " for a self-signed hub; a TLS-inspecting proxy needs its CA";
    }

    static ConnectionProblem unreachable(HubUnreachableException e, TrustSettings trust) {
        return new ConnectionProblem(e.getMessage(), e.tls() ? tlsFix(trust) : TCP_FIX);
    }

    static ConnectionProblem refused(HubRefusedException e) {
        return switch (e.code()) {
            case "clock_skew" ->
                new ConnectionProblem("the hub refused this agent's clock: " + e.hubMessage(), CLOCK_FIX);
            case "assertion_invalid" ->
                new ConnectionProblem(
                        "the hub rejected this agent's signed assertion (" + e.hubMessage() + ")",
                        "if the agent was re-registered elsewhere, run enginex-agent register --force");
            default ->
                new ConnectionProblem(
                        e.getMessage(),
                        e.status() >= 500 || e.status() == 429
                                ? "the hub is busy or failing; the agent retries by itself"
                                : "see enginex-agent doctor and the hub's log");
        };
    }

    /** The text {@code enginex-agent status} shows: what happened, then the fix. */
    public String describe() {
        return what + " — fix: " + fix;
    }
}
