package io.enginex.edge.server.webhook;

import io.enginex.edge.server.HubException;
import io.enginex.edge.server.IdGenerator;
import io.enginex.edge.server.LiveViews;
import io.enginex.edge.server.audit.Actor;
import io.enginex.edge.server.audit.Audit;
import io.enginex.edge.server.audit.AuditType;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.auth.Origin;
import io.enginex.edge.server.auth.Role;
import io.enginex.edge.server.auth.TenantGuard;
import io.enginex.edge.server.events.JobEvents;
import io.enginex.edge.server.idempotency.Answer;
import io.enginex.edge.server.idempotency.Creation;
import io.enginex.edge.server.sso.Seal;
import io.enginex.edge.server.store.Transactions;
import io.enginex.edge.server.store.WebhookDelivery;
import io.enginex.edge.server.store.WebhookEndpoint;
import io.enginex.edge.server.store.WebhookStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * A tenant's webhook endpoints: tenant admins register (an HTTPS URL, the job event types to send),
 * list and delete them and read their delivery log; every change is audited. The signing secret is
 * made here, shown once in the create's answer, and kept sealed under the hub secret. Thread-safe.
 */
public final class Webhooks {
    /** The most endpoints a tenant may have. */
    public static final int MAX_ENDPOINTS = 20;

    /** The longest description. */
    public static final int MAX_DESCRIPTION = 500;

    private final WebhookStore store;
    private final JobEvents events;
    private final WebhookTargets targets;
    private final Seal seal;
    private final SecureRandom random;
    private final Audit audit;
    private final TenantGuard guard;
    private final Transactions tx;
    private final LiveViews live;
    private final IdGenerator ids;
    private final Clock clock;

    /** What the webhooks need from the rest of the hub. */
    public record Parts(WebhookStore store, JobEvents events, WebhookTargets targets, Seal seal, SecureRandom random) {}

    public Webhooks(
            Parts parts,
            Audit audit,
            TenantGuard guard,
            Transactions tx,
            LiveViews live,
            IdGenerator ids,
            Clock clock) {
        this.store = parts.store();
        this.events = parts.events();
        this.targets = parts.targets();
        this.seal = parts.seal();
        this.random = parts.random();
        this.audit = audit;
        this.guard = guard;
        this.tx = tx;
        this.live = live;
        this.ids = ids;
        this.clock = clock;
    }

    /** The seal's purpose: a secret sealed for another purpose does not open as a webhook's. */
    public static final String SEAL_PURPOSE = "webhook secret";

    /** The context a secret is sealed in: it opens only as this endpoint's of this tenant. */
    static String sealContext(String tenant, String endpointId) {
        return tenant + "\n" + endpointId;
    }

    /** A registered endpoint and its secret, which the create's answer shows once. */
    public record Registered(WebhookEndpoint endpoint, String secret) {}

    /**
     * A new endpoint of {@code tenant} (admins), to run through {@code IdempotentCreates}: it receives
     * the job events written from now on, of {@code types} (empty: every type).
     *
     * @throws HubException.BadRequest {@code bad_webhook_url} for a URL that is not a public HTTPS
     *     one; {@code bad_request} for an unknown type or a long description
     * @throws HubException.Conflict {@code too_many_webhooks} past {@link #MAX_ENDPOINTS}
     */
    public Creation<Registered> newEndpoint(
            Caller caller,
            String tenant,
            String url,
            String description,
            List<String> types,
            Origin origin,
            Function<Registered, Answer> answer) {
        guard.checkWrite(caller, tenant);
        caller.requireRole(Role.ADMIN);
        String target = targets.check(url).toString();
        String text = description == null ? "" : description.strip();
        if (text.length() > MAX_DESCRIPTION) {
            throw new HubException.BadRequest("description must be at most " + MAX_DESCRIPTION + " characters");
        }
        List<String> wanted = eventTypes(types);
        return Creation.of(
                () -> {
                    if (store.list(tenant).size() >= MAX_ENDPOINTS) {
                        throw new HubException.Conflict(
                                "too_many_webhooks",
                                "tenant " + tenant + " has " + MAX_ENDPOINTS
                                        + " webhook endpoints, the most it may have; delete one first");
                    }
                    String id = ids.next("whk");
                    String secret = WebhookSignature.newSecret(random);
                    WebhookEndpoint endpoint = store.create(new WebhookEndpoint(
                            id,
                            tenant,
                            target,
                            text.isEmpty() ? null : text,
                            wanted,
                            seal.seal(sealContext(tenant, id), secret),
                            events.now(tenant).encode(),
                            clock.instant(),
                            caller.actorId(),
                            null));
                    Map<String, Object> details = new LinkedHashMap<>();
                    details.put("url", target);
                    details.put("eventTypes", wanted);
                    audit.record(
                            tenant,
                            AuditType.WEBHOOK_CREATED,
                            Actor.of(caller),
                            origin.sourceIp(),
                            new Audit.Target("webhook", id),
                            Audit.Outcome.SUCCESS,
                            origin.tag(details));
                    return new Registered(endpoint, secret);
                },
                answer);
    }

    /** The tenant's endpoints (admins), without their secrets. */
    public List<WebhookEndpoint> list(Caller caller, String tenant) {
        guard.check(caller, tenant);
        caller.requireRole(Role.ADMIN);
        return store.list(tenant);
    }

    /**
     * Deletes an endpoint (admins), audited {@code webhook.deleted}; its pending deliveries are not sent.
     *
     * @throws HubException.NotFound {@code webhook_not_found}, also for one deleted already
     */
    public void delete(Caller caller, String tenant, String id, Origin origin) {
        guard.checkWrite(caller, tenant);
        caller.requireRole(Role.ADMIN);
        tx.run(() -> {
            WebhookEndpoint endpoint =
                    store.find(tenant, id).filter(e -> e.deletedAt() == null).orElseThrow(() -> notFound(tenant, id));
            if (!store.delete(tenant, id, clock.instant())) {
                throw notFound(tenant, id);
            }
            audit.record(
                    tenant,
                    AuditType.WEBHOOK_DELETED,
                    Actor.of(caller),
                    origin.sourceIp(),
                    new Audit.Target("webhook", id),
                    Audit.Outcome.SUCCESS,
                    origin.tag(Map.of("url", endpoint.url())));
        });
        live.changed(tenant);
    }

    /**
     * An endpoint's latest deliveries, newest first (admins; a deleted endpoint's too).
     *
     * @throws HubException.NotFound {@code webhook_not_found}
     */
    public List<WebhookDelivery> deliveries(Caller caller, String tenant, String id, int limit) {
        guard.check(caller, tenant);
        caller.requireRole(Role.ADMIN);
        store.find(tenant, id).orElseThrow(() -> notFound(tenant, id));
        return store.deliveries(tenant, id, limit);
    }

    /** The endpoint's secret, opened (for the sender); empty when it does not open under this hub secret. */
    Optional<String> secretOf(WebhookEndpoint endpoint) {
        return seal.open(sealContext(endpoint.tenantId(), endpoint.id()), endpoint.secretSealed());
    }

    private static List<String> eventTypes(List<String> types) {
        if (types == null) {
            return List.of();
        }
        List<String> unknown = new ArrayList<>();
        LinkedHashSet<String> wanted = new LinkedHashSet<>();
        for (String t : types) {
            String type = t == null ? "" : t.strip();
            if (!JobEvents.TYPES.contains(type)) {
                unknown.add(type);
            }
            wanted.add(type);
        }
        if (!unknown.isEmpty()) {
            throw new HubException.BadRequest("unknown event types " + unknown + "; use some of "
                    + new TreeSet<>(JobEvents.TYPES) + " (or none for all)");
        }
        return List.copyOf(wanted);
    }

    private static HubException.NotFound notFound(String tenant, String id) {
        return new HubException.NotFound("webhook_not_found", "tenant " + tenant + " has no webhook " + id);
    }
}
