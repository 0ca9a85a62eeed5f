package io.enginex.edge.server.cluster;

import io.enginex.edge.protocol.Dispatch;
import io.enginex.edge.protocol.Result;
import io.enginex.edge.server.testing.AgentSocket;
import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestCluster;
import io.enginex.edge.server.testing.TestHub;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Not a test (its name keeps it out of the build): a probe of what a job costs in time when it is
 * created through the node its agent is not on, against the node it is on, with two nodes in one JVM
 * on one PostgreSQL database (BENCHMARKS.md, "Several nodes"). Run it with {@code ./mvnw -pl server
 * verify -DskipPackages -Dtest=none -Dit.test=CrossNodeLatencyProbe -Dsurefire.failIfNoSpecifiedTests=false}
 * and read {@code PROBE} lines in its output.
 */
class CrossNodeLatencyProbe {
    @Test
    void probe(@TempDir Path dir) throws Exception {
        try (TestCluster cluster = new TestCluster(dir)) {
            TestHub a = cluster.start("a");
            TestHub b = cluster.start("b");
            String tenant = a.newTenant();
            String session = a.newSession(tenant);
            TestAgent agent = a.register(tenant);
            for (TestHub via : new TestHub[] {a, b, a, b}) {
                long[] send = new long[40];
                long[] back = new long[40];
                try (AgentSocket socket = a.connectReady(agent, "fs.list")) {
                    for (int i = 0; i < 40; i++) {
                        long t0 = System.nanoTime();
                        String id = via.dispatch(tenant, session, agent.agentId(), "fs.list", Map.of(), 30)
                                .get("id")
                                .asText();
                        socket.expect(Dispatch.class);
                        long t1 = System.nanoTime();
                        socket.send(new Result(
                                socket.nextId(),
                                id,
                                TestHub.MAPPER.createObjectNode(),
                                null,
                                Instant.now(),
                                Instant.now(),
                                false));
                        via.api().get("/api/v1/tenants/" + tenant + "/jobs/" + id + "?wait=10", via.platformKey());
                        long t2 = System.nanoTime();
                        send[i] = (t1 - t0) / 1000;
                        back[i] = (t2 - t1) / 1000;
                    }
                }
                java.util.Arrays.sort(send);
                java.util.Arrays.sort(back);
                System.out.println("PROBE via " + (via == a ? "same node" : "other node") + " create+dispatch p50 us="
                        + send[20] + " p90=" + send[36] + "  result+longpoll p50 us=" + back[20] + " p90=" + back[36]);
            }
        }
    }
}
