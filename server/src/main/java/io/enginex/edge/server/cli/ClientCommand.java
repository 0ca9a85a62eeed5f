package io.enginex.edge.server.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.client.EdgeException;
import io.enginex.edge.protocol.FrameLimits;
import io.enginex.edge.protocol.MessageCodec;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Base of the commands that talk to a running hub: shared options, output and JSON printing. */
abstract class ClientCommand implements Callable<Integer> {
    @Mixin
    ClientOptions options;

    @Spec
    CommandSpec spec;

    final ObjectMapper mapper = MessageCodec.newMapper(FrameLimits.DEFAULT);

    @Override
    public final Integer call() {
        HubClient hub = options.client(mapper);
        try {
            run(hub);
        } catch (EdgeException e) {
            throw hub.explain(e);
        }
        return 0;
    }

    abstract void run(HubClient hub);

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** Prints {@code node} as JSON if --json was given; returns whether it did. */
    boolean printedJson(JsonNode node) {
        if (!options.json) {
            return false;
        }
        try {
            out().println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        out().flush();
        return true;
    }

    /** {@code node} as indented JSON, for a document a person reads. */
    static String pretty(JsonNode node) {
        try {
            return new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? "" : v.asText();
    }

    static String labels(JsonNode node) {
        StringBuilder s = new StringBuilder();
        for (JsonNode l : node.path("labels")) {
            s.append(s.isEmpty() ? "" : ",").append(l.asText());
        }
        return s.toString();
    }
}
