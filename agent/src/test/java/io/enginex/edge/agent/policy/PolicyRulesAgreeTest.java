package io.enginex.edge.agent.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.protocol.MessageCodec;
import io.enginex.edge.protocol.PolicyDocument;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The hub checks tenant policies with {@link PolicyDocument} so it never stores what an agent would
 * refuse: every document the agent's parser refuses, the hub's rules refuse too.
 */
class PolicyRulesAgreeTest {
    private final ObjectMapper mapper = new MessageCodec().mapper();
    private final PolicyFile files = new PolicyFile(mapper, FileSystems.getDefault());

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"tool\":[\"fs.read\"]}",
                "{\"version\":2}",
                "{\"roots\":[{\"path\":\"relative\"}]}",
                "{\"roots\":[{\"mode\":\"read\"}]}",
                "{\"roots\":[{\"path\":\"/srv\",\"mode\":\"rw\"}]}",
                "{\"roots\":\"/srv\"}",
                "{\"denyGlobs\":[\"**/[a\"]}",
                "{\"limits\":{\"maxRead\":1}}",
                "{\"limits\":{\"maxReadBytes\":-5}}",
                "{\"limits\":{\"concurrency\":{\"exec\":0}}}",
                "{\"limits\":{\"concurrency\":[1]}}",
                "{\"commands\":[{\"argv\":[\"/bin/echo\"]}]}",
                "{\"commands\":[{\"name\":\"x\",\"argv\":[\"echo\"]}]}",
                "{\"commands\":[{\"name\":\"x\",\"argv\":[]}]}",
                "{\"commands\":[{\"name\":\"x\",\"argv\":[\"/bin/echo\",\"{p}\"]}]}",
                "{\"commands\":[{\"name\":\"x\",\"argv\":[\"/bin/echo\",\"{p}\"],\"params\":{\"p\":{\"pattern\":\"[\"}}}]}",
                "{\"commands\":[{\"name\":\"x\",\"argv\":[\"/bin/echo\",\"{p}\"],\"params\":{\"p\":{}}}]}",
                "{\"network\":[\"host\"]}",
                "{\"network\":[\"host:0\"]}",
                "{\"network\":[\"host:http\"]}",
                "{\"tools\":\"fs.read\"}",
                "{\"secrets\":[\"erp-token\"]}",
                "{\"secrets\":{\"http.request\":\"erp-token\"}}",
                "{\"secrets\":{\"http.request\":[\"../etc\"]}}",
                "{\"secrets\":{\"Not A Tool\":[\"x\"]}}",
                "{\"commands\":[{\"name\":\"x\",\"argv\":[\"/bin/echo\"],\"env\":[\"LD_PRELOAD\"]}]}",
                "{\"commands\":[{\"name\":\"x\",\"argv\":[\"/bin/echo\"],\"env\":[\"PATH\"]}]}",
                "{\"commands\":[{\"name\":\"x\",\"argv\":[\"/bin/echo\"],\"env\":[\"lower\"]}]}",
                "{\"commands\":[{\"name\":\"x\",\"argv\":[\"/bin/echo\"],\"env\":\"API\"}]}",
                "{\"apps\":[{\"argv\":[\"/usr/bin/xmessage\"]}]}",
                "{\"apps\":[{\"id\":\"../evil\",\"argv\":[\"/usr/bin/xmessage\"]}]}",
                "{\"apps\":[{\"id\":\"org.x.A\",\"argv\":[\"xmessage\"]}]}",
                "{\"apps\":[{\"id\":\"org.x.A\",\"argv\":[\"/usr/bin/xmessage\",\"{p}\"]}]}",
                "{\"apps\":[{\"id\":\"org.x.A\",\"argv\":[\"/usr/bin/xmessage\"],\"workdir\":\"/\"}]}",
                "{\"apps\":\"org.x.A\"}",
                "{\"urls\":[\"file:///etc/\"]}",
                "{\"urls\":[\"https://user@intranet/\"]}",
                "{\"urls\":[\"https://intranet/?q=1\"]}",
                "{\"urls\":[\"intranet.example.com\"]}",
                "[]"
            })
    void whatTheAgentRefusesTheHubRefuses(String json) {
        assertThatThrownBy(() -> files.parse(json.getBytes(StandardCharsets.UTF_8), "tenant policy test"))
                .isInstanceOf(PolicyException.class);
        assertThat(PolicyDocument.problems(readTree(json))).as(json).isNotEmpty();
    }

    private com.fasterxml.jackson.databind.JsonNode readTree(String json) {
        try {
            return mapper.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
