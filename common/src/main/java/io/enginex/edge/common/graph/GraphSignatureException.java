package io.enginex.edge.common.graph;

/** A signed graph that is not to be trusted: bad or missing signature, wrong tenant, changed document. */
public final class GraphSignatureException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public GraphSignatureException(String message) {
        super(message);
    }
}
