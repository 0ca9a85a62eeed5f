package io.enginex.edge.protocol.dos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enginex.edge.protocol.ErrorCodes;
import io.enginex.edge.protocol.FrameLimits;
import io.enginex.edge.protocol.Message;
import io.enginex.edge.protocol.MessageCodec;
import io.enginex.edge.protocol.Ping;
import io.enginex.edge.protocol.Protocol;
import io.enginex.edge.protocol.ProtocolException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Frames a hostile or broken peer may send: each is refused with a typed code, none crashes. */
class HostileFrameTest {
    private final MessageCodec codec = new MessageCodec(new FrameLimits(4096, 16, 1024));

    @Test
    void oversizedFrameIsRefusedBeforeParsing() {
        String frame = "{\"type\":\"ping\",\"id\":\"" + "x".repeat(5000) + "\"}";
        assertRefused(frame, ErrorCodes.FRAME_TOO_LARGE);
    }

    @Test
    void multiByteCharactersCountAsBytes() {
        // 1500 three-byte characters: 1.5k chars but 4.5 KB, over the 4 KiB cap.
        String frame = "{\"type\":\"ping\",\"id\":\"" + "€".repeat(1500) + "\"}";
        assertRefused(frame, ErrorCodes.FRAME_TOO_LARGE);
    }

    @Test
    void deepNestingIsRefused() {
        String frame =
                "{\"type\":\"dispatch\",\"id\":\"h\",\"jobId\":\"j\",\"tool\":\"t\",\"deadline\":\"2026-01-01T00:00:00Z\",\"attempt\":1,\"args\":"
                        + "[".repeat(40)
                        + "]".repeat(40)
                        + "}";
        assertRefused(frame, ErrorCodes.BAD_FRAME);
    }

    @Test
    void longStringIsRefused() {
        String frame = "{\"type\":\"ping\",\"id\":\"" + "x".repeat(2000) + "\"}";
        assertRefused(frame, ErrorCodes.BAD_FRAME);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "not json",
                "[]",
                "42",
                "null",
                "{\"id\":\"x\"}",
                "{\"type\":7,\"id\":\"x\"}",
                "{\"type\":\"ping\"}",
                "{\"type\":\"ping\",\"id\":\"\"}",
                "{\"type\":\"ping\",\"id\":\"a\"",
                "{\"type\":\"dispatch\",\"id\":\"h\",\"jobId\":\"j\",\"tool\":\"t\",\"attempt\":1}",
                "{\"type\":\"dispatch\",\"id\":\"h\",\"jobId\":\"j\",\"tool\":\"t\",\"deadline\":\"tomorrow\",\"attempt\":1}",
                "{\"type\":\"dispatch\",\"id\":\"h\",\"jobId\":\"j\",\"tool\":\"t\",\"deadline\":\"2026-01-01T00:00:00Z\",\"attempt\":0}",
                "{\"type\":\"result\",\"id\":\"a\",\"jobId\":\"j\"}",
                "{\"type\":\"result\",\"id\":\"a\",\"jobId\":\"j\",\"output\":{},\"error\":{\"code\":\"x\",\"message\":\"y\"}}",
                "{\"type\":\"hello\",\"id\":\"a\",\"protocol\":\"one\",\"agentVersion\":\"1\",\"os\":\"l\",\"arch\":\"a\",\"hostname\":\"h\"}",
                "{\"type\":\"welcome\",\"id\":\"h\",\"protocol\":\"1.0\",\"agentId\":\"a\",\"tenant\":\"t\",\"heartbeatMillis\":1}",
                "{\"type\":\"progress\",\"id\":\"a\",\"jobId\":\"j\",\"fraction\":1.5}",
                "{\"type\":\"update\",\"id\":\"a\",\"version\":\"1.0.0\",\"channel\":\"stable\",\"mode\":\"self\"}",
                "{\"type\":\"release\",\"id\":\"h\",\"pin\":{\"channel\":\"beta\",\"version\":\"1.0.0\"}}",
                "{\"type\":\"release\",\"id\":\"h\",\"spreadMillis\":-1}",
                "{\"type\":\"update\",\"id\":\"a\",\"version\":\"1.0.0 <b>\",\"channel\":\"stable\",\"mode\":\"self\",\"state\":\"idle\"}",
                "{\"type\":\"update\",\"id\":\"a\",\"version\":\"1.0.0\",\"channel\":\"stable\",\"mode\":\"self\",\"state\":\"idle\",\"failure\":{\"reason\":\"x\"}}",
                "{\"type\":\"ping\",\"id\":\"a\",\"x\":NaN}",
                "{\"type\":\"ping\",\"id\":\"a\",\"n\":1"
                        + "0000000000000000000000000000000000000000000000000000000000000000000000" + "}",
            })
    void malformedFrameIsBadFrame(String frame) {
        assertRefused(frame, ErrorCodes.BAD_FRAME);
    }

    @Test
    void unknownTypeIsTypedSoPeerCanAnswerIt() {
        assertRefused("{\"type\":\"telemetry\",\"id\":\"a-19\"}", ErrorCodes.UNKNOWN_TYPE);
        assertThat(codec.idOf("{\"type\":\"telemetry\",\"id\":\"a-19\"}")).isEqualTo("a-19");
    }

    @Test
    void unknownFieldsFromNewerPeerAreIgnored() {
        Message m = codec.decode("{\"type\":\"ping\",\"id\":\"a-1\",\"addedInV1_4\":{\"x\":[1,2]}}");
        assertThat(m).isEqualTo(new Ping("a-1"));
    }

    @Test
    void versionRuleAcceptsSameMajorOnly() {
        assertThat(Protocol.isCompatible("1.0")).isTrue();
        assertThat(Protocol.isCompatible("1.9")).isTrue();
        assertThat(Protocol.isCompatible("2.0")).isFalse();
        assertThatThrownBy(() -> Protocol.isCompatible("v1")).isInstanceOf(ProtocolException.class);
    }

    private void assertRefused(String frame, String code) {
        assertThatThrownBy(() -> codec.decode(frame))
                .isInstanceOf(ProtocolException.class)
                .satisfies(e -> assertThat(((ProtocolException) e).code()).isEqualTo(code))
                .hasMessageNotContaining("Exception");
    }
}
