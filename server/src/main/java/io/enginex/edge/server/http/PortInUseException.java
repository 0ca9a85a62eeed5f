package io.enginex.edge.server.http;

/** The hub could not listen because another process holds the address and port. */
public final class PortInUseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PortInUseException(String bindAddress, int port, Throwable cause) {
        super(
                "port " + port + " is already in use on " + bindAddress + " — stop the other process or pick another "
                        + "with --port",
                cause);
    }
}
