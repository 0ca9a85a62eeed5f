package io.enginex.edge.server.cluster;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What one hub node tells the others through the database: ids only, never a secret or a job's
 * content (the record is the database; a signal says where to look). Written as one line of
 * space-separated fields.
 *
 * @param tenantId the tenant it concerns
 * @param target the agent ({@link Kind#SEND}, {@link Kind#CANCEL}, {@link Kind#CUT}, {@link Kind#MOVED}, {@link Kind#GRAPH_START}), the policy scope
 *     ({@link Kind#POLICY}) or empty
 * @param jobId the job ({@link Kind#SEND}, {@link Kind#CANCEL}, {@link Kind#DONE}), the graph start
 *     ({@link Kind#GRAPH_START}), the moved socket's opening time ({@link Kind#MOVED}) or empty
 */
public record Signal(Kind kind, String tenantId, String target, String jobId) {
    private static final Pattern FIELD = Pattern.compile("[^\\s]{0,200}");

    /** What happened, and what a node that receives it does. */
    public enum Kind {
        /** A job was queued for the agent: the node it is connected to sends it. */
        SEND("send"),
        /** The job's deadline passed: the node its agent is connected to tells it to cancel. */
        CANCEL("cancel"),
        /** The job finished: every node wakes whoever waits for it. */
        DONE("done"),
        /** The agent was revoked or deregistered: every node closes its sockets. */
        CUT("cut"),
        /** The agent connected to the sending node: a socket another node still holds for it is stale. */
        MOVED("moved"),
        /** The tenant's policies of this scope changed: every node pushes them to its agents. */
        POLICY("policy"),
        /** Something the tenant's live pages show changed: every node re-renders them. */
        LIVE("live"),
        /** The tenant's update pin changed: every node sends it to the tenant's agents it holds. */
        PIN("pin"),
        /**
         * A vault change (a secret defined, a wipe asked) for the tenant's agent in {@code target}, or all
         * its agents when empty: every node sends the agents it holds what is pending for them.
         */
        VAULT("vault"),
        /**
         * A graph was started from the hub for the tenant's agent in {@code target} (the start's id in
         * {@code jobId}): the node holding the agent sends it its queued starts.
         */
        GRAPH_START("graph-start"),
        /**
         * A person decided a graph step that waits for approval on the tenant's agent in {@code target} (the
         * approval's id in {@code jobId}): the node holding the agent sends it its decided approvals.
         */
        GRAPH_DECISION("graph-decision");

        private final String wire;

        Kind(String wire) {
            this.wire = wire;
        }

        static Optional<Kind> of(String wire) {
            for (Kind k : values()) {
                if (k.wire.equals(wire)) {
                    return Optional.of(k);
                }
            }
            return Optional.empty();
        }
    }

    public Signal {
        target = target == null ? "" : target;
        jobId = jobId == null ? "" : jobId;
        for (String field : new String[] {tenantId, target, jobId}) {
            if (field == null || !FIELD.matcher(field).matches()) {
                throw new IllegalArgumentException("a signal's fields are ids without spaces; got " + field);
            }
        }
        if (tenantId.isEmpty()) {
            throw new IllegalArgumentException("a signal names its tenant");
        }
    }

    public static Signal send(String tenantId, String agentId, String jobId) {
        return new Signal(Kind.SEND, tenantId, agentId, jobId);
    }

    public static Signal cancel(String tenantId, String agentId, String jobId) {
        return new Signal(Kind.CANCEL, tenantId, agentId, jobId);
    }

    public static Signal done(String tenantId, String jobId) {
        return new Signal(Kind.DONE, tenantId, "", jobId);
    }

    public static Signal cut(String tenantId, String agentId) {
        return new Signal(Kind.CUT, tenantId, agentId, "");
    }

    /**
     * @param openedAt when the sending node's socket of the agent opened (in {@code jobId}, epoch
     *     milliseconds): the receiving nodes close only that agent's sockets opened then or before, not a
     *     newer one this signal, batched and late, reaches while its hello is still being answered
     */
    public static Signal moved(String tenantId, String agentId, java.time.Instant openedAt) {
        return new Signal(Kind.MOVED, tenantId, agentId, Long.toString(openedAt.toEpochMilli()));
    }

    /**
     * A {@link Kind#MOVED} signal's socket opening time; {@code Instant.MAX} for a signal without one
     * (from a node of an earlier version: then every socket of the agent is older, as it used to be).
     */
    public java.time.Instant movedOpenedAt() {
        try {
            return jobId.isEmpty() ? java.time.Instant.MAX : java.time.Instant.ofEpochMilli(Long.parseLong(jobId));
        } catch (NumberFormatException e) {
            return java.time.Instant.MAX;
        }
    }

    public static Signal policy(String tenantId, String scope) {
        return new Signal(Kind.POLICY, tenantId, scope, "");
    }

    public static Signal pin(String tenantId) {
        return new Signal(Kind.PIN, tenantId, "", "");
    }

    public static Signal vault(String tenantId, String agentId) {
        return new Signal(Kind.VAULT, tenantId, agentId, "");
    }

    public static Signal graphStart(String tenantId, String agentId, String startId) {
        return new Signal(Kind.GRAPH_START, tenantId, agentId, startId);
    }

    public static Signal graphDecision(String tenantId, String agentId, String approvalId) {
        return new Signal(Kind.GRAPH_DECISION, tenantId, agentId, approvalId);
    }

    public static Signal live(String tenantId) {
        return new Signal(Kind.LIVE, tenantId, "", "");
    }

    /** The signal as one line: {@code kind tenant target job}, empty fields as {@code -}. */
    public String line() {
        return kind.wire + " " + tenantId + " " + dash(target) + " " + dash(jobId);
    }

    /** Reads {@link #line()}; empty for anything else (a newer node's signal this node does not know). */
    public static Optional<Signal> parse(String line) {
        String[] f = line.strip().split(" ");
        if (f.length != 4) {
            return Optional.empty();
        }
        try {
            return Kind.of(f[0]).map(k -> new Signal(k, f[1], undash(f[2]), undash(f[3])));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static String dash(String s) {
        return s.isEmpty() ? "-" : s;
    }

    private static String undash(String s) {
        return s.equals("-") ? "" : s;
    }
}
