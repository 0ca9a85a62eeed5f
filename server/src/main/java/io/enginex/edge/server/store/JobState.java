package io.enginex.edge.server.store;

/**
 * queued → dispatched → running → succeeded | failed | timed_out | cancelled; awaiting_approval
 * before queued for tools that need a person.
 */
public enum JobState {
    AWAITING_APPROVAL,
    QUEUED,
    DISPATCHED,
    RUNNING,
    SUCCEEDED,
    FAILED,
    TIMED_OUT,
    CANCELLED;

    public boolean terminal() {
        return this == SUCCEEDED || this == FAILED || this == TIMED_OUT || this == CANCELLED;
    }

    /** Lower-case name as stored and shown in the API ({@code timed_out}). */
    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** All wire names, comma-separated, for error messages. */
    public static String wireNames() {
        return java.util.Arrays.stream(values()).map(JobState::wire).collect(java.util.stream.Collectors.joining(", "));
    }

    public static JobState fromWire(String s) {
        return valueOf(s.toUpperCase(java.util.Locale.ROOT));
    }
}
