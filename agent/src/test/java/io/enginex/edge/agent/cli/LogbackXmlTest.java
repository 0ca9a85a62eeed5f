package io.enginex.edge.agent.cli;

import io.enginex.edge.common.logging.LogForgingContract;
import org.junit.jupiter.api.Test;

/**
 * The agent's {@code logback.xml} (its text format, as it runs) writes an event with CR/LF in its
 * message, arguments, key-values and exception message as exactly one line, escaped ({@link
 * LogForgingContract}). The encoder itself and the JSON format are tested in the common module.
 */
class LogbackXmlTest {
    @Test
    void theTextFormatOfLogbackXmlWritesOneEscapedLine() throws Exception {
        LogForgingContract.assertTextFormatEscapes(LogbackXmlTest.class.getResource("/logback.xml"), "text");
    }
}
