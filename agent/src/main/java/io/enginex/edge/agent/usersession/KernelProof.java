package io.enginex.edge.agent.usersession;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * Linux and macOS: every account may connect (mode 0666) and the kernel's peer credentials ({@link
 * Peer}) name the peer's user; what the peer says never counts.
 */
public final class KernelProof implements PeerProof {
    /** The one instance (it has no state). */
    public static final KernelProof INSTANCE = new KernelProof();

    private KernelProof() {}

    @Override
    public void listening(Path socket) throws IOException {
        // Every account may connect; who it is decides, connection by connection (SO_PEERCRED).
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
    }

    @Override
    public Optional<String> atConnect(SocketChannel channel) throws IOException {
        return Optional.of(Peer.of(channel).user());
    }

    @Override
    public Claim check(JsonNode frame, SessionAccess access) {
        throw new IllegalStateException("the kernel names the peer at connect time");
    }
}
