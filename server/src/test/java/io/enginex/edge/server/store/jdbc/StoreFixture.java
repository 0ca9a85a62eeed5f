package io.enginex.edge.server.store.jdbc;

import io.enginex.edge.server.store.Agent;
import io.enginex.edge.server.store.Job;
import io.enginex.edge.server.store.JobState;
import io.enginex.edge.server.store.Session;
import io.enginex.edge.server.store.Stores;
import io.enginex.edge.server.testing.JsonNodes;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What every store contract needs: the stores under test and builders for rows. Tests share one
 * database per test class, so each test makes its own tenants with random ids and never depends
 * on rows it did not create.
 */
interface StoreFixture {
    Stores stores();

    static String id(String prefix) {
        byte[] bytes = new byte[6];
        ThreadLocalRandom.current().nextBytes(bytes);
        return prefix + "_" + HexFormat.of().formatHex(bytes);
    }

    /** Now, at the precision the stores keep, so values compare equal after a round trip. */
    default Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    default String newTenant() {
        return stores().tenants().create(id("t"), "Tenant").id();
    }

    default Agent newAgent(String tenantId) {
        return stores().agents()
                .create(Agent.registered(
                        id("agt"),
                        tenantId,
                        "MCowBQYDK2VwAyEA" + id("k"),
                        "host-1",
                        "linux",
                        "amd64",
                        "1.0.0",
                        List.of("office", "finance"),
                        null,
                        now()));
    }

    default Session newSession(String tenantId) {
        return stores().sessions().create(new Session(id("ses"), tenantId, "month end", "alice", now()));
    }

    default Job newJob(String tenantId, String agentId, String sessionId, Instant createdAt, Instant deadline) {
        return stores().jobs()
                .create(Job.created(
                        id("job"),
                        tenantId,
                        sessionId,
                        agentId,
                        "file.read",
                        JsonNodes.parse("{\"path\":\"a.txt\"}"),
                        JobState.QUEUED,
                        createdAt,
                        deadline));
    }

    /** A queued job of a fresh agent and session in {@code tenantId}, due in an hour. */
    default Job newJob(String tenantId) {
        Agent agent = newAgent(tenantId);
        Session session = newSession(tenantId);
        return newJob(tenantId, agent.id(), session.id(), now(), now().plus(1, ChronoUnit.HOURS));
    }
}
