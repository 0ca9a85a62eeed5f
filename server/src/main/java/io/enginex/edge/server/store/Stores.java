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

    PageLinkStore pageLinks();

    /** {@code h2} or {@code postgresql}. */
    String dialect();

    @Override
    void close();
}
