package io.enginex.edge.common.graph;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/** The line of each JSON pointer in a document's text, so problems can point at the line. */
final class JsonLines {
    private static final JsonFactory FACTORY = new JsonFactory();

    private final Map<String, Integer> lines;

    private JsonLines(Map<String, Integer> lines) {
        this.lines = lines;
    }

    /** Maps {@code text}'s values and keys to their first line; text that does not parse maps nothing. */
    static JsonLines of(String text) {
        Map<String, Integer> lines = new HashMap<>();
        try (JsonParser parser = FACTORY.createParser(text)) {
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                String pointer = parser.getParsingContext().pathAsPointer().toString();
                if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
                    // the new container's context has no name or index yet: its pointer is the container's
                    pointer = parser.getParsingContext().getParent() == null
                            ? ""
                            : parser.getParsingContext()
                                    .getParent()
                                    .pathAsPointer()
                                    .toString();
                }
                lines.putIfAbsent(pointer, parser.currentTokenLocation().getLineNr());
            }
        } catch (IOException e) {
            // keep what was mapped before the broken part
        }
        return new JsonLines(lines);
    }

    /** The line of {@code pointer}, else of its nearest parent, else 1. */
    int line(String pointer) {
        String p = pointer;
        while (true) {
            Integer line = lines.get(p);
            if (line != null) {
                return line;
            }
            if (p.isEmpty()) {
                return 1;
            }
            p = p.substring(0, Math.max(0, p.lastIndexOf('/')));
        }
    }
}
