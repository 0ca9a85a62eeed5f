package io.enginex.edge.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MessageTypesTest {
    @Test
    void theWireTableNamesExactlyTheRecordsTheSealedInterfacePermits() {
        assertThat(MessageTypes.all().keySet()).containsExactlyInAnyOrder(Message.class.getPermittedSubclasses());
    }

    @Test
    void eachRecordsWireNameIsItsTypeConstant() throws ReflectiveOperationException {
        for (var entry : MessageTypes.all().entrySet()) {
            assertThat(entry.getKey().getField("TYPE").get(null))
                    .as(entry.getKey().getSimpleName())
                    .isEqualTo(entry.getValue());
        }
        assertThat(MessageTypes.known()).hasSize(MessageTypes.all().size());
    }

    @Test
    void aFrameIsNamedByItsWireTypeNotItsClassName() {
        assertThat(MessageTypes.of(new PolicyUpdate("h-1", List.of()))).isEqualTo("policy");
        assertThat(MessageTypes.of(new ErrorFrame("h-2", ErrorCodes.BAD_FRAME, "", "")))
                .isEqualTo("error");
        assertThat(MessageTypes.of(new Ping("a-1"))).isEqualTo("ping");
    }
}
