package io.enginex.edge.agent.usersession;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * Who is on the other end of a Unix domain socket, as the kernel says (the JDK's SO_PEERCRED option: the
 * uid and gid of the process that connected or listened, fixed at connect time; on Linux the kernel's
 * SO_PEERCRED, on macOS getpeereid(2); Windows does not support it). The JDK gives the uid as the
 * user's name from the system's user database, or the number itself when the uid has no name.
 *
 * @param user the peer's user name (or numeric uid)
 * @param group the peer's primary group name (or numeric gid)
 */
public record Peer(String user, String group) {
    /**
     * The peer of {@code channel}.
     *
     * @throws IOException when the platform cannot tell (not a Unix domain socket, or no SO_PEERCRED)
     */
    public static Peer of(SocketChannel channel) throws IOException {
        try {
            UnixDomainPrincipal principal = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
            return new Peer(principal.user().getName(), principal.group().getName());
        } catch (UnsupportedOperationException e) {
            throw new IOException(
                    "this system does not tell who is on the other end of a local socket (SO_PEERCRED)", e);
        }
    }
}
