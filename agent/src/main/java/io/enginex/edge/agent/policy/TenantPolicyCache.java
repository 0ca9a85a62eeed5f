package io.enginex.edge.agent.policy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.agent.StateFiles;
import io.enginex.edge.protocol.TenantPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * {@code <state-dir>/tenant-policy.json}: the tenant policies the hub last sent, when and from which
 * hub. Written owner-only, through a temporary file moved over the old one. A running agent starts
 * with them until the hub sends new ones (so a restart while the hub is unreachable keeps the
 * tenant's narrowing), and {@code policy show} reports them.
 *
 * <p>Whoever can write the state folder can change this file, but a tenant policy only ever narrows
 * the machine policy, so it can at most give back what the machine policy allows.
 */
public final class TenantPolicyCache {
    public static final String FILE_NAME = "tenant-policy.json";

    /**
     * @param receivedAt when the hub sent them
     * @param hub the hub's URL
     * @param policies the policies, as sent (empty: the hub said none applies)
     */
    public record Cached(Instant receivedAt, String hub, List<TenantPolicy> policies) {
        public Cached {
            policies = policies == null ? List.of() : List.copyOf(policies);
        }
    }

    private final Path file;
    private final ObjectMapper mapper;

    public TenantPolicyCache(Path stateDir, ObjectMapper mapper) {
        this.file = stateDir.resolve(FILE_NAME);
        this.mapper = mapper;
    }

    public Path path() {
        return file;
    }

    /**
     * Replaces the file.
     *
     * @throws IOException when the state folder is not writable
     */
    public void write(Cached cached) throws IOException {
        StateFiles.replaceOwnerOnly(
                file, mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(cached));
    }

    /**
     * Reads the file.
     *
     * @return empty when the hub never sent tenant policies to this agent
     * @throws PolicyException when it exists but cannot be read, naming the fix
     */
    public Optional<Cached> read() {
        try {
            return Optional.of(mapper.readValue(Files.readAllBytes(file), Cached.class));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            throw new PolicyException("the cached tenant policy " + file + " cannot be read (" + e.getMessage()
                    + "); delete it, and the hub sends the tenant policy again at the next connection");
        }
    }
}
