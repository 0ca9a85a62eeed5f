package io.enginex.edge.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The optional {@code requestedBy} of a dispatch: absent on older frames, bounded and printable when present. */
class DispatchTest {
    private static final MessageCodec CODEC = new MessageCodec();

    @Test
    void frameOfAnOlderHubDecodesWithRequesterUnknown() {
        Message decoded = CODEC.decode("{\"type\":\"dispatch\",\"id\":\"h-7\",\"jobId\":\"job_1\",\"tool\":\"fs.list\","
                + "\"args\":{},\"deadline\":\"2026-11-26T10:15:30Z\",\"attempt\":1,\"approvedBy\":\"usr_1\"}");

        assertThat(decoded).isInstanceOfSatisfying(Dispatch.class, d -> {
            assertThat(d.requestedBy()).isNull();
            assertThat(d.approvedBy()).isEqualTo("usr_1");
        });
    }

    @Test
    void requesterIsEncodedAndDecoded() {
        Dispatch sent = new Dispatch(
                "h-1",
                "job_1",
                "fs.list",
                null,
                java.time.Instant.parse("2026-11-26T10:15:30Z"),
                1,
                null,
                "API key ci-bot");

        String frame = CODEC.encode(sent);

        assertThat(frame).contains("\"requestedBy\":\"API key ci-bot\"");
        assertThat(CODEC.decode(frame)).isEqualTo(sent);
    }

    @Test
    void requesterFromTheWireIsEscapedNotRefused() {
        Message decoded = CODEC.decode("{\"type\":\"dispatch\",\"id\":\"h-7\",\"jobId\":\"job_1\",\"tool\":\"fs.list\","
                + "\"deadline\":\"2026-11-26T10:15:30Z\",\"attempt\":1,"
                + "\"requestedBy\":\"mallory\\nAllow it: \\u202eapproved\\u001b[0m\"}");

        assertThat(((Dispatch) decoded).requestedBy())
                .isEqualTo("mallory\\nAllow it: \\u202Eapproved\\u001B[0m")
                .matches(Printable::isPrintable);
    }

    @Test
    void longRequesterIsCutAndBlankIsUnknown() {
        String cut = Dispatch.requester("x".repeat(5000));

        assertThat(cut).hasSize(Dispatch.MAX_REQUESTED_BY).endsWith("…");
        assertThat(Dispatch.requester("  alice  ")).isEqualTo("alice");
        assertThat(Dispatch.requester(" \t ")).isNull();
        assertThat(Dispatch.requester("é".repeat(150) + "😀".repeat(100)))
                .hasSizeLessThanOrEqualTo(Dispatch.MAX_REQUESTED_BY)
                .matches(Printable::isPrintable);
    }
}
