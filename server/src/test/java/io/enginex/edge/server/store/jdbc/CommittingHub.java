package io.enginex.edge.server.store.jdbc;

import io.enginex.edge.server.store.Agent;
import io.enginex.edge.server.store.DatabaseConfig;
import io.enginex.edge.server.store.Job;
import io.enginex.edge.server.store.JobState;
import io.enginex.edge.server.store.Session;
import io.enginex.edge.server.testing.JsonNodes;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * The child process of {@link H2DurabilityIT}: opens the embedded database of a data directory the
 * way the hub does, writes jobs and prints {@code committed <jobId>} after each commit.
 *
 * <p>Usage: {@code CommittingHub <dataDir> <jobs>}. After writing {@code jobs} jobs it prints {@code
 * idle} and waits for stdin to close, holding the database open like a running hub; {@code jobs = 0}
 * writes jobs until killed.
 */
public final class CommittingHub {
    static final String TENANT = "durable";
    static final String AGENT = "agt_durable";

    private CommittingHub() {}

    public static void main(String[] args) throws IOException {
        Path dataDir = Path.of(args[0]);
        int jobs = Integer.parseInt(args[1]);
        JdbcStores stores = JdbcStores.open(DatabaseConfig.embedded(dataDir), Clock.systemUTC());
        stores.tenants().create(TENANT, "Durability");
        stores.agents()
                .create(new Agent(
                        AGENT, TENANT, "key", null, null, null, null, List.of(), null, null, null, null, null));
        Session session = stores.sessions().create(new Session("ses_durable", TENANT, "kill me", "test", null));
        for (int i = 1; jobs == 0 || i <= jobs; i++) {
            String id = "job_" + i;
            Instant now = Instant.now();
            stores.jobs()
                    .create(Job.created(
                            id,
                            TENANT,
                            session.id(),
                            AGENT,
                            "file.read",
                            JsonNodes.parse("{}"),
                            JobState.QUEUED,
                            now,
                            now.plusSeconds(3600)));
            System.out.println("committed " + id);
            System.out.flush();
        }
        System.out.println("idle");
        System.out.flush();
        // Hold the database open, as a running hub does, until the test kills this process.
        while (System.in.read() >= 0) {
            // keep waiting
        }
    }
}
