package io.enginex.edge.agent.identity;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The identity a running agent uses, as the one place its connection and its key rotation read it
 * from. {@link #get()} re-reads {@code identity.json} every time (per connection attempt, rotation
 * check and the connection's watch of the hub's addresses, every few seconds; the file is small), so a
 * key rotated by {@code enginex-agent identity rotate} in another process, or by this agent's own
 * schedule, is used for the next assertion without a restart. The file is replaced atomically, so a
 * read sees the old or the new key, never a mix.
 *
 * <p>A key rotation whose answer was lost leaves a {@link PendingKey} in the file; {@link
 * #withPendingKey()} offers it and {@link #adopt} makes it the current key once the hub accepted it.
 *
 * <p>If the file cannot be read, or now holds another agent (re-registered with {@code --force} while
 * running), the last good identity stays in use and a warning says to restart (once per problem, not
 * at every read). A changed list of hub addresses ({@code enginex-agent identity hubs --set}) is taken:
 * the connection follows it ({@code connection.HubConnection}), and what is saved later keeps it.
 * Thread-safe.
 */
public final class CurrentIdentity implements IdentitySource {
    private static final Logger log = LoggerFactory.getLogger(CurrentIdentity.class);

    private final IdentityFile file;
    private final AtomicReference<AgentIdentity> last;
    // The problem last warned about, so that a file that stays unusable is not warned about every read.
    private final AtomicReference<String> warned = new AtomicReference<>();

    /** @param loaded the identity the agent started with */
    public CurrentIdentity(IdentityFile file, AgentIdentity loaded) {
        this.file = file;
        this.last = new AtomicReference<>(loaded);
    }

    /** The identity in the file now, or the last good one if the file is unusable or another agent's. */
    @Override
    public AgentIdentity get() {
        AgentIdentity before = last.get();
        AgentIdentity loaded;
        try {
            loaded = file.load();
        } catch (IdentityException e) {
            String problem = "cannot re-read the identity (" + e.getMessage() + "); keeping the key loaded earlier";
            if (!problem.equals(warned.getAndSet(problem))) {
                log.atWarn().addKeyValue("file", file.path()).log(problem);
            }
            return before;
        }
        if (!loaded.agentId().equals(before.agentId())) {
            String problem =
                    "the identity file now holds another agent (" + loaded.agentId() + "); restart the agent to use it";
            if (!problem.equals(warned.getAndSet(problem))) {
                log.atWarn()
                        .addKeyValue("file", file.path())
                        .addKeyValue("running", before.agentId())
                        .addKeyValue("inFile", loaded.agentId())
                        .log(problem);
            }
            return before;
        }
        warned.set(null);
        // A changed list of the hub's addresses is kept too, so that a key rotation saves it rather than
        // writing the old one back; the connection logs and follows it.
        if (!loaded.fingerprint().equals(before.fingerprint())) {
            log.atInfo()
                    .addKeyValue("agentId", loaded.agentId())
                    .addKeyValue("oldKey", before.fingerprint())
                    .addKeyValue("newKey", loaded.fingerprint())
                    .log("the device key was rotated; using the new key from now on");
        }
        last.compareAndSet(before, loaded);
        return loaded;
    }

    @Override
    public Optional<AgentIdentity> withPendingKey() {
        AgentIdentity current = get();
        try {
            return file.loadPendingKey().map(current::withKey);
        } catch (IdentityException e) {
            log.atWarn().addKeyValue("file", file.path()).log("cannot read the pending key: " + e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Saves {@code adopted} as the identity, dropping the pending key. If the file cannot be written,
     * the running agent still uses the adopted key and an error says what to fix.
     */
    @Override
    public void adopt(AgentIdentity adopted) {
        AgentIdentity before = last.getAndSet(adopted);
        log.atWarn()
                .addKeyValue("agentId", adopted.agentId())
                .addKeyValue("oldKey", before.fingerprint())
                .addKeyValue("newKey", adopted.fingerprint())
                .log("the hub had switched to the key a rotation offered although its answer was lost;"
                        + " using the new key from now on");
        try {
            file.save(adopted);
        } catch (IdentityException e) {
            log.atError()
                    .addKeyValue("file", file.path())
                    .log("cannot save the adopted key (" + e.getMessage() + "); it stays pending in the file and is"
                            + " adopted again at the next start once the file can be written");
        }
    }
}
