package io.enginex.edge.server.store;

/** All stores of one database, opened together and closed together. */
public interface Stores extends AutoCloseable {
    TenantStore tenants();

    ApiKeyStore apiKeys();

    RegistrationTokenStore registrationTokens();

    AgentStore agents();

    SessionStore sessions();

    JobStore jobs();

    CredentialStore credentials();

    UserStore users();

    AuditStore audit();

    DeviceCodeStore deviceCodes();

    MachineStore machines();

    ConnectionHistoryStore connections();

    TenantPolicyStore tenantPolicies();

    /** Graphs defined on the hub and their versions. */
    GraphStore graphs();

    GraphRunStore graphRuns();

    /** Step outputs uploaded as files. */
    GraphOutputStore graphOutputs();

    /** Starts of graphs from the hub, queued until sent to their agents. */
    GraphStartStore graphStarts();

    GraphApprovalStore graphApprovals();

    PageLinkStore pageLinks();

    McpToolRuleStore mcpToolRules();

    /** The MCP endpoint's OAuth clients, grants, codes and tokens. */
    OAuthStore oauth();

    WebhookStore webhooks();
    /** Tenants' OpenID providers, for single sign-on. */
    OidcProviderStore oidcProviders();

    NodeStore nodes();

    AgentUpdateStore agentUpdates();

    UpdatePinStore updatePins();

    /** Exchange keys, tenant secrets, their deliveries and remote vault wipes. */
    VaultStore vault();

    /** The one writer whose transactions the job hot path shares (see {@link GroupCommit}). */
    GroupCommit groupCommit();

    /** {@code h2} or {@code postgresql}. */
    String dialect();

    /**
     * Whether the database answers a trivial query within {@code timeout} (for {@code /readyz}).
     * Never throws and never blocks much longer than {@code timeout}.
     */
    boolean answers(java.time.Duration timeout);

    @Override
    void close();
}
