package io.enginex.edge.agent.journal;

/**
 * Another process (a running {@code enginex-agent run}, or a {@code graph run}) has the journal open: its
 * lock is held. An {@link IllegalStateException}, as before it had a type of its own, so callers that
 * caught that still do.
 */
public final class JournalLockedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public JournalLockedException(String message) {
        super(message);
    }
}
