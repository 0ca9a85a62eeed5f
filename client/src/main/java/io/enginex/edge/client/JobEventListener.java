package io.enginex.edge.client;

/**
 * Receives a subscription's job events, in the order the hub sent them, on the subscription's own
 * thread (one at a time; a slow listener slows only its subscription).
 */
public interface JobEventListener {
    /**
     * One event. The subscription's position moves past it once this returns; an exception thrown
     * here is logged and the event is not delivered again.
     */
    void onEvent(JobEvent event);

    /**
     * The subscription ended for a reason a reconnect cannot fix: the hub refused it (another
     * tenant's or an unknown session: {@code 404}; a revoked key: {@code 401}; an expired or foreign
     * {@code Last-Event-ID}: {@code 410}/{@code 400}) or closed the stream for the caller (an {@code
     * ApiException} with the code of the hub's {@code closed} event). Not called after {@link
     * EventSubscription#close}.
     */
    default void onEnd(EdgeException reason) {}
}
