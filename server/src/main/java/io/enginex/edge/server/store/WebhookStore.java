package io.enginex.edge.server.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Webhook endpoints and their deliveries. Every read of a tenant's rows names the tenant. */
public interface WebhookStore {
    WebhookEndpoint create(WebhookEndpoint endpoint);

    /** The tenant's endpoints not deleted, oldest first. */
    List<WebhookEndpoint> list(String tenantId);

    /** The endpoint, deleted or not. */
    Optional<WebhookEndpoint> find(String tenantId, String id);

    /**
     * Marks the endpoint deleted and its pending deliveries failed.
     *
     * @return false when it is gone or deleted already
     */
    boolean delete(String tenantId, String id, Instant now);

    /** Every tenant's endpoints not deleted (the sender's work list). */
    List<WebhookEndpoint> active();

    /**
     * Records {@code deliveries} and moves the endpoint's cursor to {@code cursor}, in one transaction;
     * a delivery of an event the endpoint has already is left as it is.
     */
    void advance(WebhookEndpoint endpoint, String cursor, List<WebhookDelivery> deliveries);

    /** Pending deliveries due at {@code now}, of endpoints not deleted, oldest first, at most {@code limit}. */
    List<WebhookDelivery> due(Instant now, int limit);

    /** Writes an attempt's outcome ({@link WebhookDelivery#attempted}). */
    void attempted(WebhookDelivery delivery);

    /** The endpoint's latest deliveries, newest first, at most {@code limit}. */
    List<WebhookDelivery> deliveries(String tenantId, String endpointId, int limit);
}
