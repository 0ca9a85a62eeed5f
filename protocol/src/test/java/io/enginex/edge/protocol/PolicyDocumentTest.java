package io.enginex.edge.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PolicyDocumentTest {
    private static final ObjectMapper JSON = new MessageCodec().mapper();

    @Test
    void theReferenceExampleIsValid() throws Exception {
        assertThat(PolicyDocument.problems(JSON.readTree("""
                {"version":1,
                 "roots":[{"path":"/srv/finance/exports","mode":"read"},{"path":"C:\\\\Finance","mode":"write"}],
                 "defaultDenyGlobs":true,"denyGlobs":["**/payroll","**/*.bak"],
                 "limits":{"maxReadBytes":67108864,"maxWriteBytes":16777216,"maxSearchFiles":20000,
                           "concurrency":{"default":4,"exec":1}},
                 "tools":["fs.list","fs.read","exec","acme.invoice_lookup"],
                 "commands":[{"name":"erp-export","argv":["/opt/erp/bin/erp-cli","export","{period}"],
                              "params":{"period":{"pattern":"20[0-9]{2}-(0[1-9]|1[0-2])"}},
                              "workdir":"/srv/out","timeoutSeconds":300,"approvalRequired":true}],
                 "network":["erp.corp.internal:443","[fd00::12]:8443"],
                 "approvalRequired":["fs.delete","exec:erp-export"]}
                """))).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"tool\":[\"fs.read\"]}|unknown field \"tool\"",
                "{\"version\":2}|version must be 1",
                "{\"roots\":[{\"path\":\"relative/dir\"}]}|must be an absolute path",
                "{\"roots\":[{\"path\":\"/srv\",\"mode\":\"rw\"}]}|mode must be \"read\" or \"write\"",
                "{\"roots\":{\"path\":\"/srv\"}}|roots must be a JSON array",
                "{\"denyGlobs\":[\"**/[a\"]}|is not a valid glob",
                "{\"limits\":{\"maxReadBytes\":-1}}|limits.maxReadBytes must be a whole number",
                "{\"limits\":{\"maxReads\":1}}|limits: unknown field \"maxReads\"",
                "{\"limits\":{\"concurrency\":{\"exec\":0}}}|limits.concurrency.exec must be a whole number of at least 1",
                "{\"limits\":{\"concurrency\":{\"Exec Tool\":1}}}|is not a tool name",
                "{\"tools\":[\"FS.READ\"]}|is not a tool name",
                "{\"commands\":[{\"name\":\"x\",\"argv\":[\"echo\"]}]}|argv[0] must be the program's absolute path",
                "{\"commands\":[{\"name\":\"x\",\"argv\":[\"/bin/echo\",\"{who}\"]}]}|declares no parameter of that name",
                "{\"commands\":[{\"name\":\"x\",\"argv\":[\"/bin/echo\",\"{w}\"],\"params\":{\"w\":{\"pattern\":\"(\"}}}]}|bad pattern",
                "{\"commands\":[{\"name\":\"x\",\"argv\":[\"/bin/echo\",\"{w}\"],\"params\":{\"w\":{}}}]}|needs a pattern or a list of values",
                "{\"network\":[\"erp.corp.internal\"]}|must be host:port",
                "{\"network\":[\"erp.corp.internal:99999\"]}|is not in 1..65535",
                "{\"network\":[\"erp.corp.internal:https\"]}|has no numeric port",
                "[]|must be a JSON object"
            })
    void badDocumentsAreRefusedNamingTheField(String json, String expected) throws Exception {
        assertThat(PolicyDocument.problems(JSON.readTree(json)))
                .anySatisfy(p -> assertThat(p).contains(expected));
    }
}
