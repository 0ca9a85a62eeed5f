package io.enginex.edge.client;

/**
 * Reads a {@code text/event-stream} line by line as the HTML standard's event stream interpretation
 * says: {@code field: value} lines, {@code data} lines joined with line feeds, comments (lines
 * starting with a colon) skipped, and an event dispatched at each empty line. The last {@code id}
 * seen is kept across events, as a browser's {@code EventSource} keeps it. Not thread-safe: one
 * reader per stream. Public for the {@code engine} CLI, which reads the hub's streams with it.
 */
public final class ServerSentEvents {
    /** One dispatched event; {@code id} is the stream's last event id when it was dispatched (may be null). */
    public record Event(String type, String data, String id) {}

    private final StringBuilder data = new StringBuilder();
    private String type = "";
    private String lastId;
    private boolean hasData;

    /**
     * Takes one line (without its line ending).
     *
     * @return the event this line completes, or null
     */
    public Event line(String line) {
        if (line.isEmpty()) {
            return dispatch();
        }
        if (line.startsWith(":")) {
            return null;
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "event" -> type = value;
            case "data" -> {
                if (hasData) {
                    data.append('\n');
                }
                data.append(value);
                hasData = true;
            }
            case "id" -> {
                if (value.indexOf('\0') < 0) {
                    lastId = value;
                }
            }
            default -> {
                // "retry" and unknown fields: the client chooses its own reconnection delay
            }
        }
        return null;
    }

    private Event dispatch() {
        if (!hasData) {
            type = "";
            return null;
        }
        Event event = new Event(type.isEmpty() ? "message" : type, data.toString(), lastId);
        data.setLength(0);
        hasData = false;
        type = "";
        return event;
    }
}
