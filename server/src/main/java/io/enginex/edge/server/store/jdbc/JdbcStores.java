package io.enginex.edge.server.store.jdbc;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.enginex.edge.server.store.AgentStore;
import io.enginex.edge.server.store.AgentUpdateStore;
import io.enginex.edge.server.store.ApiKeyStore;
import io.enginex.edge.server.store.AuditStore;
import io.enginex.edge.server.store.CachedApiKeyStore;
import io.enginex.edge.server.store.ConnectionHistoryStore;
import io.enginex.edge.server.store.CredentialStore;
import io.enginex.edge.server.store.DatabaseConfig;
import io.enginex.edge.server.store.DatabaseUnavailableException;
import io.enginex.edge.server.store.DeviceCodeStore;
import io.enginex.edge.server.store.GraphStore;
import io.enginex.edge.server.store.GroupCommit;
import io.enginex.edge.server.store.JobStore;
import io.enginex.edge.server.store.MachineStore;
import io.enginex.edge.server.store.McpToolRuleStore;
import io.enginex.edge.server.store.NodeStore;
import io.enginex.edge.server.store.OAuthStore;
import io.enginex.edge.server.store.OidcProviderStore;
import io.enginex.edge.server.store.PageLinkStore;
import io.enginex.edge.server.store.RegistrationTokenStore;
import io.enginex.edge.server.store.SessionStore;
import io.enginex.edge.server.store.Stores;
import io.enginex.edge.server.store.TenantPolicyStore;
import io.enginex.edge.server.store.TenantStore;
import io.enginex.edge.server.store.Transactions;
import io.enginex.edge.server.store.UpdatePinStore;
import io.enginex.edge.server.store.UserStore;
import io.enginex.edge.server.store.VaultStore;
import io.enginex.edge.server.store.WebhookStore;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's stores over one JDBC database (embedded H2 or PostgreSQL): a HikariCP pool, the schema
 * migrated by Flyway from {@code db/migration}, and JDBI over the pool.
 *
 * <p>Thread-safe. {@link #open} blocks until the database is reachable and migrated; {@link #close}
 * closes the pool, which for embedded H2 also closes the database file and releases its lock.
 */
public final class JdbcStores implements Stores {
    private static final Logger log = LoggerFactory.getLogger(JdbcStores.class);

    /** The longest a request waits for a pooled connection before the database counts as unavailable. */
    public static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(3);

    /** The longest one statement may wait on a PostgreSQL server that stopped answering. */
    public static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(10);

    /** The node name of stores opened without one: the audit chains of a hub that runs alone. */
    public static final String SINGLE_NODE = "hub";

    private final DatabaseConfig config;
    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final TenantStore tenants;
    private final ApiKeyStore apiKeys;
    private final RegistrationTokenStore registrationTokens;
    private final AgentStore agents;
    private final SessionStore sessions;
    private final JobStore jobs;
    private final CredentialStore credentials;
    private final UserStore users;
    private final AuditStore audit;
    private final DeviceCodeStore deviceCodes;
    private final MachineStore machines;
    private final ConnectionHistoryStore connections;
    private final NodeStore nodes;
    private final TenantPolicyStore tenantPolicies;
    private final GraphStore graphs;
    private final io.enginex.edge.server.store.GraphRunStore graphRuns;
    private final io.enginex.edge.server.store.GraphOutputStore graphOutputs;
    private final io.enginex.edge.server.store.GraphStartStore graphStarts;
    private final io.enginex.edge.server.store.GraphApprovalStore graphApprovals;
    private final PageLinkStore pageLinks;
    private final AgentUpdateStore agentUpdates;
    private final UpdatePinStore updatePins;
    private final VaultStore vault;
    private final McpToolRuleStore mcpToolRules;
    private final OAuthStore oauth;
    private final WebhookStore webhooks;
    private final OidcProviderStore oidcProviders;
    private final JdbcGroupCommit groupCommit;
    private final PlannerStatistics statistics; // null on H2

    private JdbcStores(DatabaseConfig config, HikariDataSource dataSource, Clock clock, String node) {
        this.config = config;
        this.dataSource = dataSource;
        Jdbi jdbi = Jdbi.create(dataSource);
        this.jdbi = jdbi;
        this.tenants = new JdbcTenantStore(jdbi, clock);
        this.apiKeys = new CachedApiKeyStore(new JdbcApiKeyStore(jdbi, clock), clock);
        this.registrationTokens = new JdbcRegistrationTokenStore(jdbi, clock);
        this.agents = new JdbcAgentStore(jdbi, clock);
        this.sessions = new JdbcSessionStore(jdbi, clock);
        this.jobs = new JdbcJobStore(jdbi, clock, new ObjectMapper());
        this.credentials = new JdbcCredentialStore(jdbi);
        this.users = new JdbcUserStore(jdbi, clock);
        this.audit = new JdbcAuditStore(jdbi, node);
        this.deviceCodes = new JdbcDeviceCodeStore(jdbi);
        this.machines = new JdbcMachineStore(jdbi);
        this.connections = new JdbcConnectionHistoryStore(jdbi);
        this.nodes = new JdbcNodeStore(jdbi);
        this.tenantPolicies = new JdbcTenantPolicyStore(jdbi);
        this.graphs = new JdbcGraphStore(jdbi);
        this.graphRuns = new JdbcGraphRunStore(jdbi);
        this.graphOutputs = new JdbcGraphOutputStore(jdbi);
        this.graphStarts = new JdbcGraphStartStore(jdbi);
        this.graphApprovals = new JdbcGraphApprovalStore(jdbi);
        this.pageLinks = new JdbcPageLinkStore(jdbi);
        this.agentUpdates = new JdbcAgentUpdateStore(jdbi);
        this.updatePins = new JdbcUpdatePinStore(jdbi);
        this.vault = new JdbcVaultStore(jdbi);
        this.mcpToolRules = new JdbcMcpToolRuleStore(jdbi);
        this.oauth = new JdbcOAuthStore(jdbi);
        this.webhooks = new JdbcWebhookStore(jdbi);
        this.oidcProviders = new JdbcOidcProviderStore(jdbi);
        this.groupCommit = new JdbcGroupCommit(jdbi, "enginex-db-writer");
        this.statistics = "postgresql".equals(config.dialect()) ? new PlannerStatistics(dataSource) : null;
    }

    /**
     * On PostgreSQL, analyses the busy tables whose rows changed by a tenth since their last analysis
     * (see {@link PlannerStatistics}); for a timer. Does nothing on H2. Never throws.
     */
    public void refreshStatistics() {
        if (statistics != null) {
            statistics.refresh();
        }
    }

    /**
     * Connects, migrates the schema and returns the stores, as node {@link #SINGLE_NODE}. An embedded
     * H2 file is compacted first ({@link EmbeddedCompaction}), which takes a moment for a large file.
     *
     * @param clock the time written as {@code created_at} where callers do not pass a time
     * @throws DatabaseUnavailableException if the database cannot be opened (embedded file locked by
     *     another hub, PostgreSQL unreachable, login refused) or migrated; the message says what to do
     */
    public static JdbcStores open(DatabaseConfig config, Clock clock) {
        return open(config, clock, SINGLE_NODE);
    }

    /**
     * As {@link #open(DatabaseConfig, Clock)}, for hub node {@code node}: the name of the audit
     * chains it appends to (one per tenant and node, so nodes never wait for each other to audit).
     */
    public static JdbcStores open(DatabaseConfig config, Clock clock, String node) {
        EmbeddedCompaction.compact(config);
        HikariDataSource dataSource = connect(config);
        try {
            MigrateResult result = Flyway.configure()
                    .dataSource(dataSource)
                    .locations("classpath:db/migration")
                    .failOnMissingLocations(true)
                    .load()
                    .migrate();
            log.atInfo()
                    .addKeyValue("dialect", config.dialect())
                    .addKeyValue("url", config.redactedUrl())
                    .addKeyValue("schemaVersion", result.targetSchemaVersion)
                    .addKeyValue("migrationsApplied", result.migrationsExecuted)
                    .log("database ready");
            JdbcStores stores = new JdbcStores(config, dataSource, clock, node);
            if (stores.statistics != null) {
                stores.statistics.warnIfAutovacuumOff();
                stores.statistics.analyseAll();
            }
            return stores;
        } catch (FlywayException e) {
            dataSource.close();
            throw new DatabaseUnavailableException(
                    "Cannot bring the database schema at " + config.redactedUrl() + " up to date: " + e.getMessage()
                            + ". If a newer hub version already used this database, run that version.",
                    e);
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
    }

    private static HikariDataSource connect(DatabaseConfig config) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("enginex-db");
        hikari.setJdbcUrl(config.jdbcUrl());
        hikari.setUsername(config.user());
        hikari.setPassword(config.password());
        hikari.setMaximumPoolSize(config.maxPoolSize());
        // A request waits at most this long for a connection before it is answered 503: a database
        // that is down or stalled is reported within seconds instead of holding requests.
        hikari.setConnectionTimeout(CONNECTION_TIMEOUT.toMillis());
        hikari.setValidationTimeout(Math.min(CONNECTION_TIMEOUT.toMillis() - 1, TimeUnit.SECONDS.toMillis(2)));
        // Fail at once, with our message, when the first connection cannot be made.
        hikari.setInitializationFailTimeout(1);
        // A connection that saw the database fail is thrown away, so the pool heals by itself when
        // the database is back (H2 reports a full disk with codes Hikari does not know).
        hikari.setExceptionOverrideClassName(BrokenConnections.class.getName());
        if ("postgresql".equals(config.dialect())) {
            // A stalled server (network partition, frozen host) fails the statement after this long
            // instead of holding the connection forever; the hub's statements are short.
            hikari.addDataSourceProperty("connectTimeout", String.valueOf(CONNECTION_TIMEOUT.toSeconds()));
            hikari.addDataSourceProperty("socketTimeout", String.valueOf(STATEMENT_TIMEOUT.toSeconds()));
        }
        try {
            return new HikariDataSource(hikari);
        } catch (RuntimeException e) {
            throw OpenFailures.explain(config, e);
        }
    }

    /**
     * The JDBI instance the stores use. A transaction opened on it ({@code inTransaction}) is joined
     * by every store call made on the same thread inside it, which is how a write that spans stores
     * (a resource and its idempotency key) commits as one.
     */
    public Jdbi jdbi() {
        return jdbi;
    }

    /** Transactions on {@link #jdbi()}, for the application services. */
    public Transactions transactions() {
        return new Transactions() {
            @Override
            public <T> T inTransaction(java.util.function.Supplier<T> work) {
                return jdbi.inTransaction(h -> work.get());
            }
        };
    }

    /**
     * The hub's one group-commit writer on {@link #jdbi()}: the job hot path (creates, deliveries,
     * outcomes) shares its commits through it.
     */
    @Override
    public GroupCommit groupCommit() {
        return groupCommit;
    }

    /** The pooled data source, for health checks and database features beyond the stores. */
    public DataSource dataSource() {
        return dataSource;
    }

    @Override
    public TenantStore tenants() {
        return tenants;
    }

    @Override
    public ApiKeyStore apiKeys() {
        return apiKeys;
    }

    @Override
    public RegistrationTokenStore registrationTokens() {
        return registrationTokens;
    }

    @Override
    public AgentStore agents() {
        return agents;
    }

    @Override
    public SessionStore sessions() {
        return sessions;
    }

    @Override
    public JobStore jobs() {
        return jobs;
    }

    @Override
    public CredentialStore credentials() {
        return credentials;
    }

    @Override
    public UserStore users() {
        return users;
    }

    @Override
    public AuditStore audit() {
        return audit;
    }

    @Override
    public DeviceCodeStore deviceCodes() {
        return deviceCodes;
    }

    @Override
    public MachineStore machines() {
        return machines;
    }

    @Override
    public ConnectionHistoryStore connections() {
        return connections;
    }

    @Override
    public NodeStore nodes() {
        return nodes;
    }

    @Override
    public TenantPolicyStore tenantPolicies() {
        return tenantPolicies;
    }

    @Override
    public GraphStore graphs() {
        return graphs;
    }

    @Override
    public io.enginex.edge.server.store.GraphRunStore graphRuns() {
        return graphRuns;
    }

    @Override
    public io.enginex.edge.server.store.GraphOutputStore graphOutputs() {
        return graphOutputs;
    }

    @Override
    public io.enginex.edge.server.store.GraphStartStore graphStarts() {
        return graphStarts;
    }

    @Override
    public io.enginex.edge.server.store.GraphApprovalStore graphApprovals() {
        return graphApprovals;
    }

    @Override
    public AgentUpdateStore agentUpdates() {
        return agentUpdates;
    }

    @Override
    public UpdatePinStore updatePins() {
        return updatePins;
    }

    @Override
    public VaultStore vault() {
        return vault;
    }

    @Override
    public PageLinkStore pageLinks() {
        return pageLinks;
    }

    @Override
    public McpToolRuleStore mcpToolRules() {
        return mcpToolRules;
    }

    @Override
    public OAuthStore oauth() {
        return oauth;
    }

    @Override
    public WebhookStore webhooks() {
        return webhooks;
    }

    @Override
    public OidcProviderStore oidcProviders() {
        return oidcProviders;
    }

    @Override
    public boolean answers(Duration timeout) {
        CompletableFuture<Integer> probe = CompletableFuture.supplyAsync(
                () -> jdbi.withHandle(h -> h.createQuery("SELECT 1")
                        .setQueryTimeout((int) Math.max(1, timeout.toSeconds()))
                        .mapTo(Integer.class)
                        .one()),
                task -> Thread.ofVirtual().name("db-probe").start(task));
        try {
            return probe.get(timeout.toMillis(), TimeUnit.MILLISECONDS) == 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    @Override
    public String dialect() {
        return config.dialect();
    }

    /** Closes the pool; idempotent. Stores must not be used afterwards. */
    @Override
    public void close() {
        groupCommit.close(); // what was handed in is written before the pool closes
        dataSource.close();
    }
}
