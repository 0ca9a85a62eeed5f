package io.enginex.edge.server.store.jdbc;

import io.enginex.edge.server.store.DatabaseConfig;
import io.enginex.edge.server.store.Stores;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * Every store contract, run against one database per concrete class. A subclass says which database
 * ({@link #createDatabase()}) and how to get rid of it afterwards ({@link #dropDatabase()}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class StoreContract
        implements TenantAndApiKeyContract,
                RegistrationTokenContract,
                AgentAndSessionContract,
                JobContract,
                CredentialContract,
                InstantContract,
                IdentityContract,
                ConnectionHistoryContract,
                PageLinkContract,
                AuditChainContract,
                GroupCommitContract,
                AgentUpdateContract,
                UpdatePinContract,
                SingleSignOnContract {
    private JdbcStores stores;

    /** Makes an empty database for this class and says how to reach it. */
    abstract DatabaseConfig createDatabase() throws Exception;

    /** Removes the database made by {@link #createDatabase()}; the stores are closed already. */
    void dropDatabase() throws Exception {}

    @BeforeAll
    final void openStores() throws Exception {
        stores = JdbcStores.open(createDatabase(), Clock.systemUTC());
    }

    @AfterAll
    final void closeStores() throws Exception {
        if (stores != null) {
            stores.close();
        }
        dropDatabase();
    }

    @Override
    public final Stores stores() {
        return stores;
    }

    @Override
    public final JdbcStores jdbcStores() {
        return stores;
    }
}
