package io.enginex.edge.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.server.store.Job;
import io.enginex.edge.server.store.JobState;
import io.enginex.edge.server.testing.JsonNodes;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ResultFileTest {
    private final ObjectMapper mapper = new ObjectMapper();
    private final Instant now = Instant.parse("2026-11-26T10:00:00Z");

    private Job job(String tool, JobState state, String args, String output) {
        return new Job(
                "job_1",
                "acme",
                "ses_1",
                "agt_1",
                tool,
                JsonNodes.parse(args),
                state,
                1,
                now,
                now.plusSeconds(60),
                now,
                now,
                now,
                now,
                output,
                null,
                null,
                false,
                null,
                null,
                null,
                null);
    }

    @Test
    void aBase64ReadComesBackAsItsBytesUnderTheLastPartOfItsPath() {
        var file = ResultFile.of(
                job(
                        "fs.read",
                        JobState.SUCCEEDED,
                        "{\"path\":\"exports/q3 report.xlsx\"}",
                        "{\"encoding\":\"base64\",\"content\":\"AAEC/w==\"}"),
                mapper);

        assertThat(file).hasValueSatisfying(f -> {
            assertThat(f.bytes()).containsExactly(0, 1, 2, 0xff);
            assertThat(f.name()).isEqualTo("q3_report.xlsx");
        });
    }

    @Test
    void textIsUtf8() {
        var file = ResultFile.of(
                job("fs.read", JobState.SUCCEEDED, "{\"path\":\"a.txt\"}", "{\"content\":\"grüße\"}"), mapper);

        assertThat(file.orElseThrow().bytes()).isEqualTo("grüße".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void onlyASucceededReadWithContentIsAFile() {
        assertThat(ResultFile.of(job("fs.list", JobState.SUCCEEDED, "{}", "{\"content\":\"x\"}"), mapper))
                .isEmpty();
        assertThat(ResultFile.of(job("fs.read", JobState.FAILED, "{\"path\":\"a\"}", null), mapper))
                .isEmpty();
        assertThat(ResultFile.of(
                        job(
                                "fs.read",
                                JobState.SUCCEEDED,
                                "{\"path\":\"a\"}",
                                "{\"encoding\":\"base64\",\"content\":\"%%\"}"),
                        mapper))
                .isEmpty();
    }

    @Test
    void aHostileNameCannotBreakTheHeader() {
        assertThat(ResultFile.safeName("..\\..\\evil\";\r\nSet-Cookie: x=1"))
                .doesNotContain("\"", "\r", "\n", ";", "\\");
        assertThat(ResultFile.safeName("dir/..")).isEqualTo("download");
        assertThat(ResultFile.safeName("")).isEqualTo("download");
    }
}
