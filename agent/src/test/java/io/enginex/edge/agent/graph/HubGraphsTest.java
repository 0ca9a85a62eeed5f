package io.enginex.edge.agent.graph;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.common.graph.GraphEnvelope;
import io.enginex.edge.common.graph.GraphFormat;
import io.enginex.edge.common.tuf.TufSigner;
import io.enginex.edge.protocol.AssignedGraphs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent keeps and runs only graphs the hub it trusts signed for its tenant. */
class HubGraphsTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final TufSigner hub = TufSigner.generate();

    @TempDir
    Path state;

    private HubGraphs graphs() {
        return new HubGraphs(state, MAPPER, new GraphFormat(MAPPER));
    }

    static String document(String name, String tool) {
        return "{\"version\":1,\"name\":\"" + name + "\",\"steps\":[{\"id\":\"a\",\"tool\":\"" + tool + "\"}]}";
    }

    private JsonNode signed(TufSigner by, String tenant, String name, String document) {
        var issued = new GraphEnvelope.Issued(
                tenant, "gph_" + name, name, 1, "tenant", document, GraphEnvelope.sha256(document));
        return GraphEnvelope.sign(issued, Instant.parse("2026-12-05T09:00:00Z"), by);
    }

    private AssignedGraphs assigned(TufSigner key, JsonNode... envelopes) {
        return new AssignedGraphs(key.key().publicHex(), List.of(envelopes));
    }

    @Test
    void aGraphSignedByTheHubIsStoredAndRunnable() {
        var result =
                graphs().accept("acme", assigned(hub, signed(hub, "acme", "nightly", document("nightly", "fs.list"))));

        assertThat(result.refused()).isEmpty();
        assertThat(graphs().runnable("acme")).singleElement().satisfies(a -> {
            assertThat(a.graph().name()).isEqualTo("nightly");
            assertThat(a.issued().graphId()).isEqualTo("gph_nightly");
        });
    }

    @Test
    void aBadSignatureAnotherTenantOrAChangedDocumentIsRefusedAndNotStored() {
        TufSigner stranger = TufSigner.generate();
        ObjectNode changed = (ObjectNode) signed(hub, "acme", "changed", document("changed", "fs.list"));
        ((ObjectNode) changed.get("signed")).put("document", document("changed", "exec"));

        var result = graphs().accept(
                        "acme",
                        assigned(
                                hub,
                                signed(stranger, "acme", "forged", document("forged", "exec")),
                                signed(hub, "globex", "theirs", document("theirs", "fs.list")),
                                changed,
                                signed(hub, "acme", "good", document("good", "fs.list"))));

        assertThat(result.refused()).hasSize(3);
        assertThat(result.refused().get(0)).contains("no valid signature");
        assertThat(result.refused().get(1)).contains("not this agent's tenant");
        assertThat(result.refused().get(2)).contains("no valid signature");
        assertThat(graphs().runnable("acme")).extracting(a -> a.graph().name()).containsExactly("good");
        assertThat(state.resolve("graphs/assigned/forged.json")).doesNotExist();
    }

    @Test
    void aStoredGraphChangedOnDiskIsNotRun() throws IOException {
        graphs().accept("acme", assigned(hub, signed(hub, "acme", "nightly", document("nightly", "fs.list"))));
        Path file = state.resolve("graphs/assigned/nightly.json");
        Files.writeString(file, Files.readString(file).replace("fs.list", "exec"));

        assertThat(graphs().runnable("acme")).isEmpty();
    }

    @Test
    void theFirstKeyIsPinnedAndAnotherHubKeyIsRefusedKeepingTheStoredGraphs() {
        graphs().accept("acme", assigned(hub, signed(hub, "acme", "nightly", document("nightly", "fs.list"))));
        TufSigner other = TufSigner.generate();

        var result = graphs().accept("acme", assigned(other, signed(other, "acme", "evil", document("evil", "exec"))));

        assertThat(result.kept()).isEmpty();
        assertThat(result.refused()).singleElement().asString().contains("enrolled again");
        assertThat(graphs().runnable("acme")).extracting(a -> a.graph().name()).containsExactly("nightly");
    }

    @Test
    void aGraphNoLongerAssignedIsRemoved() {
        graphs().accept(
                        "acme",
                        assigned(
                                hub,
                                signed(hub, "acme", "one", document("one", "fs.list")),
                                signed(hub, "acme", "two", document("two", "fs.list"))));

        graphs().accept("acme", assigned(hub, signed(hub, "acme", "two", document("two", "fs.list"))));

        assertThat(graphs().runnable("acme")).extracting(a -> a.graph().name()).containsExactly("two");
    }
}
