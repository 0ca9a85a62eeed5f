package io.enginex.edge.agent.update;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the agent fetches TUF metadata and release files: the hub's {@code /updates} (or a mirror of
 * it). Nothing it returns is trusted: {@link TufClient} verifies every byte.
 */
public interface UpdateSource {
    /**
     * The metadata file {@code name} ({@code 3.root.json}, {@code timestamp.json} …), or empty when
     * the repository has no such file (404).
     *
     * @throws io.enginex.edge.common.tuf.TufException {@code too_large} past {@code maxBytes},
     *     {@code unreachable} when the source cannot be reached
     */
    Optional<byte[]> metadata(String name, long maxBytes);

    /**
     * Downloads the target file at {@code path} (under {@code targets/}) into {@code partial},
     * continuing after the bytes already there (an interrupted download resumes), and stops with an
     * error past {@code length} bytes in all.
     *
     * @throws io.enginex.edge.common.tuf.TufException {@code too_large}, {@code unreachable}, or
     *     {@code not_found}
     */
    void target(String path, Path partial, long length);
}
