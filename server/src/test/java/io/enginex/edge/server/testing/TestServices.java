package io.enginex.edge.server.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.protocol.MessageCodec;
import io.enginex.edge.server.IdGenerator;
import io.enginex.edge.server.LiveViews;
import io.enginex.edge.server.audit.Audit;
import io.enginex.edge.server.audit.AuditLog;
import io.enginex.edge.server.auth.ApiKeys;
import io.enginex.edge.server.auth.Logins;
import io.enginex.edge.server.auth.Passwords;
import io.enginex.edge.server.auth.Secrets;
import io.enginex.edge.server.auth.TenantGuard;
import io.enginex.edge.server.auth.Users;
import io.enginex.edge.server.config.HubConfig;
import io.enginex.edge.server.connection.ConnectionRegistry;
import io.enginex.edge.server.dispatch.Deliveries;
import io.enginex.edge.server.dispatch.DispatchMetrics;
import io.enginex.edge.server.dispatch.Dispatcher;
import io.enginex.edge.server.dispatch.JobWaiters;
import io.enginex.edge.server.fleet.Agents;
import io.enginex.edge.server.idempotency.IdempotentCreates;
import io.enginex.edge.server.idempotency.JdbcIdempotencyStore;
import io.enginex.edge.server.job.Admission;
import io.enginex.edge.server.job.JobFactory;
import io.enginex.edge.server.job.Jobs;
import io.enginex.edge.server.policy.Policies;
import io.enginex.edge.server.policy.TenantPolicies;
import io.enginex.edge.server.registration.AccessTokens;
import io.enginex.edge.server.registration.AgentRegistration;
import io.enginex.edge.server.registration.AssertionVerifier;
import io.enginex.edge.server.registration.DeviceApprovals;
import io.enginex.edge.server.registration.DeviceAuthorizations;
import io.enginex.edge.server.registration.Enrolment;
import io.enginex.edge.server.registration.EnrolmentFailures;
import io.enginex.edge.server.registration.RegistrationTokens;
import io.enginex.edge.server.sso.SingleSignOn;
import io.enginex.edge.server.store.AuditEvent;
import io.enginex.edge.server.store.AuditStore;
import io.enginex.edge.server.store.DatabaseConfig;
import io.enginex.edge.server.store.jdbc.JdbcStores;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The hub's application services on a real embedded (H2) store, wired as {@code Hub} wires them, for
 * service tests (jobs are sent on the connections of {@link #registry} through {@link #dispatcher}): tenants {@code acme} and {@code other} exist; live-view notices are recorded in
 * {@link #changed}; {@link #failNextAuditWrite} makes the next audit append throw, to prove that a
 * change is rolled back with its event. Close it after each test.
 */
public final class TestServices implements AutoCloseable {
    public final Clock clock = Clock.systemUTC();
    public final JdbcStores stores;
    public final ObjectMapper mapper = new MessageCodec().mapper();
    public final IdGenerator ids = new IdGenerator(clock, new SecureRandom());
    public final Secrets secrets = new Secrets(new SecureRandom());
    public final List<String> changed = new CopyOnWriteArrayList<>();
    public final ConnectionRegistry registry = new ConnectionRegistry();
    public final TenantGuard guard;
    public final Audit audit;
    public final IdempotentCreates creates;
    public final TenantPolicies tenantPolicies;
    /** Sends the jobs of {@link #jobs()} on {@link #registry}'s connections (and resends them after hello). */
    public final Dispatcher dispatcher;
    /** Its delivery ledger; the hub's timer calls {@link Deliveries#writeMarks()}, a test does it itself. */
    public final Deliveries deliveries;

    private final JobWaiters waiters;
    private final AtomicBoolean failAudit = new AtomicBoolean();

    public TestServices(Path dir) {
        stores = JdbcStores.open(DatabaseConfig.embedded(dir), clock);
        guard = new TenantGuard(stores.tenants());
        audit = new Audit(new FailableAuditStore(stores.audit(), failAudit), ids, clock, mapper);
        creates = new IdempotentCreates(
                new JdbcIdempotencyStore(stores.jdbi(), stores.groupCommit()), new byte[32], new SecureRandom(), clock);
        tenantPolicies = new TenantPolicies(stores.tenantPolicies(), stores.agents(), registry, ids, clock, mapper);
        waiters = new JobWaiters(stores.jobs());
        var metrics = new DispatchMetrics(new SimpleMeterRegistry());
        dispatcher = new Dispatcher(
                stores.jobs(),
                stores.groupCommit(),
                deliveries =
                        new Deliveries(stores.jobs(), stores.groupCommit(), registry, metrics, clock, Runnable::run),
                waiters,
                metrics,
                clock,
                mapper,
                audit);
        stores.tenants().create("acme", "Acme");
        stores.tenants().create("other", "Other");
    }

    public LiveViews live() {
        return changed::add;
    }

    /** The next audit write throws (once), inside whatever transaction it is part of. */
    public void failNextAuditWrite() {
        failAudit.set(true);
    }

    /** The tenant's audit events of {@code type}, oldest first (each chain in order, chain by chain). */
    public List<AuditEvent> events(String tenant, String type) {
        return stores.audit().heads(tenant).stream()
                .flatMap(head -> stores.audit().chain(tenant, head.chain(), 0, 10_000).stream())
                .filter(e -> e.type().equals(type))
                .toList();
    }

    /** How many events the tenant's audit chains hold. */
    public long auditLength(String tenant) {
        return stores.audit().heads(tenant).stream()
                .mapToLong(AuditStore.ChainHead::seq)
                .sum();
    }

    public Jobs jobs() {
        return new Jobs(
                stores.jobs(),
                stores.sessions(),
                stores.agents(),
                new JobFactory(
                        stores.sessions(),
                        stores.agents(),
                        tenantPolicies,
                        new io.enginex.edge.server.vault.SecretApprovals(stores.vault()),
                        ids,
                        clock,
                        mapper),
                dispatcher,
                waiters,
                audit,
                creates,
                live(),
                guard,
                ids,
                clock,
                new Admission(HubConfig.DEFAULT_MAX_CONCURRENT_JOBS, clock));
    }

    public Enrolment enrolment() {
        EnrolmentFailures failures = new EnrolmentFailures(audit, clock);
        return new Enrolment(
                new Enrolment.Parts(
                        new RegistrationTokens(stores.registrationTokens(), secrets, ids, clock),
                        new AgentRegistration(stores.registrationTokens(), stores.agents(), ids, clock, failures),
                        new AssertionVerifier(
                                stores.agents(), stores.credentials(), clock, mapper, stores.groupCommit()),
                        new AccessTokens(stores.credentials(), stores.agents(), secrets, clock, stores.groupCommit()),
                        stores.agents(),
                        stores.machines(),
                        registry),
                audit,
                guard,
                creates,
                stores.transactions(),
                live(),
                clock);
    }

    public Users users() {
        return new Users(stores.users(), new Passwords(new SecureRandom(), Passwords.DEFAULT), secrets, ids, clock);
    }

    public Logins logins() {
        return new Logins(
                users(),
                new ApiKeys(stores.apiKeys(), secrets, ids, clock),
                stores.apiKeys(),
                audit,
                guard,
                stores.transactions(),
                clock);
    }

    public DeviceApprovals deviceApprovals() {
        return new DeviceApprovals(
                new DeviceAuthorizations(
                        stores.deviceCodes(),
                        stores.agents(),
                        stores.machines(),
                        stores.tenants(),
                        secrets,
                        new SecureRandom(),
                        ids,
                        clock,
                        new EnrolmentFailures(audit, clock)),
                audit,
                guard,
                stores.transactions(),
                live());
    }

    /** Single sign-on, its hub secret all zeros, as if the hub were reached at {@code baseUrl}. */
    public SingleSignOn singleSignOn(String baseUrl) {
        return new SingleSignOn(
                stores.oidcProviders(),
                users(),
                audit,
                guard,
                stores.transactions(),
                new byte[32],
                new SecureRandom(),
                mapper,
                clock,
                () -> baseUrl);
    }

    public Policies policies() {
        return new Policies(tenantPolicies, audit, guard, stores.transactions(), live());
    }

    public Agents agents() {
        return new Agents(
                new Agents.Parts(
                        stores.agents(),
                        stores.machines(),
                        stores.connections(),
                        stores.jobs(),
                        registry,
                        tenantPolicies,
                        stores.agentUpdates()),
                audit,
                guard,
                stores.transactions(),
                live(),
                clock);
    }

    public AuditLog auditLog() {
        return new AuditLog(stores.audit(), guard);
    }

    @Override
    public void close() {
        stores.close();
    }

    /** The real store, whose next append can be made to fail. */
    private record FailableAuditStore(AuditStore store, AtomicBoolean fail) implements AuditStore {
        @Override
        public AuditEvent append(AuditEvent event) {
            if (fail.compareAndSet(true, false)) {
                throw new IllegalStateException("the audit write failed (test)");
            }
            return store.append(event);
        }

        @Override
        public List<AuditEvent> chain(String tenantId, String chain, long afterSeq, int limit) {
            return store.chain(tenantId, chain, afterSeq, limit);
        }

        @Override
        public List<ChainHead> heads(String tenantId) {
            return store.heads(tenantId);
        }

        @Override
        public List<String> chainsWithLinks(String tenantId) {
            return store.chainsWithLinks(tenantId);
        }

        @Override
        public long unchained(String tenantId) {
            return store.unchained(tenantId);
        }

        @Override
        public List<AuditEvent> list(
                String tenantId,
                String type,
                String actorId,
                String outcome,
                Instant since,
                Instant until,
                String before,
                int limit) {
            return store.list(tenantId, type, actorId, outcome, since, until, before, limit);
        }
    }
}
