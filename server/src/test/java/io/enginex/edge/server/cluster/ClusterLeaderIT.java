package io.enginex.edge.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.enginex.edge.server.store.NodeStore;
import io.enginex.edge.server.testing.TestCluster;
import io.enginex.edge.server.testing.TestHub;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sweeps move to another node when the node that runs them stops. */
class ClusterLeaderIT {
    @Test
    void whenTheLeaderStopsAnotherNodeTakesOverTheSweeps(@TempDir Path dir) {
        try (TestCluster cluster = new TestCluster(dir)) {
            TestHub first = cluster.start("node-1");
            TestHub second = cluster.start("node-2");
            assertThat(first.hub().leads()).as("the first node takes the lock").isTrue();
            assertThat(second.hub().leads()).isFalse();

            first.close();

            await().atMost(Duration.ofSeconds(30)).until(() -> second.hub().leads());
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(
                            () -> assertThat(second.hub().stores().nodes().list())
                                    .extracting(NodeStore.Node::name, NodeStore.Node::leads)
                                    .containsExactly(org.assertj.core.groups.Tuple.tuple("node-2", true)));
        }
    }
}
