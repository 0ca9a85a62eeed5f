package io.enginex.edge.bench.compare;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SummaryTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final List<RunResult> RUNS = List.of(
            new RunResult("postgres-anchor", "per-job-commit", 16, 1500, 8, 40, 0, 30),
            new RunResult("postgres-anchor", "group-commit", 16, 6000, 2, 15, 0, 30),
            new RunResult("nats-request-reply", "", 16, 11000, 1, 6, 0, 30),
            new RunResult("nats-request-reply", "1-client", 1, 3000, 0.25, 1, 0, 30),
            new RunResult("websocket-echo", "", 16, 12000, 0.9, 5, 0, 30),
            new RunResult("edge-h2", "", 16, 120, 100, 300, 2, 30),
            new RunResult("edge-h2", "1-client", 1, 40, 20, 60, 0, 30),
            new RunResult("edge-postgres", "", 16, 3000, 5, 50, 0, 30),
            new RunResult("edge-postgres", "1-client", 1, 200, 0.5, 2, 0, 30));

    @Test
    void everyRunHasTheFieldsTheIssueNames() {
        JsonNode json = JSON.valueToTree(new Summary(RUNS, Map.of("seconds", 30)).toJson());

        assertThat(json.fieldNames()).toIterable().containsExactly("runs", "ratios", "settings");
        assertThat(json.path("runs")).hasSize(9);
        for (JsonNode run : json.path("runs")) {
            assertThat(run.fieldNames())
                    .toIterable()
                    .contains("system", "jobs_per_s", "p50_ms", "p99_ms", "errors", "seconds");
        }
        assertThat(json.path("runs").get(5).path("system").asText()).isEqualTo("edge-h2");
        assertThat(json.path("runs").get(5).path("errors").asLong()).isEqualTo(2);
        assertThat(json.path("runs").get(5).path("jobs_per_s").asDouble()).isEqualTo(120.0);
    }

    @Test
    void ratiosCompareTheHubWithTheGroupCommitAnchorAndOneClientNats() {
        Map<String, Double> ratios = new Summary(RUNS, Map.of()).ratios();

        assertThat(ratios)
                .containsEntry("edge_postgres_jobs_per_s_over_postgres_group_commit", 0.5)
                .containsEntry("edge_h2_jobs_per_s_over_postgres_group_commit", 0.02)
                .containsEntry("edge_postgres_1_client_p50_over_nats_1_client_p50", 2.0)
                .containsEntry("edge_h2_1_client_p50_over_nats_1_client_p50", 80.0)
                .containsEntry("postgres_group_commit_over_per_job_commit", 4.0);
    }

    @Test
    void aRatioWhoseRunsAreMissingIsLeftOutRatherThanGuessed() {
        Map<String, Double> ratios = new Summary(RUNS.subList(2, 5), Map.of()).ratios();

        assertThat(ratios).isEmpty();
    }
}
