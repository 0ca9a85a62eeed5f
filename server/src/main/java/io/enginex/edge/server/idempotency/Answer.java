package io.enginex.edge.server.idempotency;

/**
 * What a create route answered: status, JSON body and the id of the resource it made.
 *
 * @param replayed true when this is the stored answer to an earlier request with the same key
 */
public record Answer(int status, String body, String resourceId, boolean replayed) {
    public Answer {
        if (status < 200 || status > 299) {
            throw new IllegalArgumentException("only a successful creation is remembered; got status " + status);
        }
        if (body == null || resourceId == null || resourceId.isBlank()) {
            throw new IllegalArgumentException("an answer needs a body and the id of the resource it made");
        }
    }

    /** A first answer (not replayed). */
    public static Answer of(int status, String resourceId, String body) {
        return new Answer(status, body, resourceId, false);
    }

    Answer asReplay() {
        return new Answer(status, body, resourceId, true);
    }
}
