package io.enginex.edge.agent.usersession;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How the service learns which user is on the other end of the session socket. Linux and macOS: the
 * kernel says it at connect time ({@link KernelProof}, SO_PEERCRED). Windows: the JDK has no
 * SO_PEERCRED there, so the peer proves its user with a token only that user can read ({@link
 * TokenProof}).
 *
 * <p>Threads: {@link #listening} once from {@link SessionServer#start}; the other methods from any
 * connection's thread.
 */
public interface PeerProof {
    /** Before the socket is bound (Windows: the session tokens of {@code access}'s users). */
    default void start(SessionAccess access) throws IOException {}

    /** The socket is bound: give it the access this proof needs (Linux: mode 0666). */
    void listening(Path socket) throws IOException;

    /**
     * The peer's user as the operating system says at connect time, or empty when this proof learns it
     * from the peer's first frame ({@link #check}).
     *
     * @throws IOException when the system cannot tell
     */
    Optional<String> atConnect(SocketChannel channel) throws IOException;

    /**
     * For a proof that learns the user from the first frame (hello or login): what that frame proves.
     * Called only when {@link #atConnect} was empty.
     */
    Claim check(JsonNode frame, SessionAccess access);

    /** Stops: forgets and removes whatever the proof made at start (Windows: the token files). */
    default void close() {}

    /**
     * What a first frame proved.
     *
     * @param user the user the frame names (proven only when {@code refusal} is null)
     * @param refusal why the frame is refused, or null
     * @param tokenFile non-null when the service has just made a token for this user (access {@code *}):
     *     the peer reads it there and sends its frame again
     */
    record Claim(String user, String refusal, Path tokenFile) {
        static Claim refused(String user, String refusal) {
            return new Claim(user, refusal, null);
        }
    }
}
