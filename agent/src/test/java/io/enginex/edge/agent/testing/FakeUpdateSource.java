package io.enginex.edge.agent.testing;

import io.enginex.edge.agent.update.UpdateSource;
import io.enginex.edge.common.tuf.TufException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * An {@link UpdateSource} over maps of files, for unit tests of the TUF client: it serves what a test
 * put there (honest or forged), honours the byte limits as the HTTP source does, and can stop a target
 * download after some bytes as a network would.
 */
public final class FakeUpdateSource implements UpdateSource {
    public final Map<String, byte[]> metadata = new HashMap<>();
    public final Map<String, byte[]> targets = new HashMap<>();
    /** When set, a target download stops (unreachable) after this many bytes of this request. */
    public Long cutAfter;

    public boolean reachable = true;

    @Override
    public Optional<byte[]> metadata(String name, long maxBytes) {
        if (!reachable) {
            throw new TufException("unreachable", "the hub is unreachable");
        }
        byte[] bytes = metadata.get(name);
        if (bytes != null && bytes.length > maxBytes) {
            throw new TufException(
                    "too_large", "metadata " + name + " is longer than the " + maxBytes + " bytes allowed");
        }
        return Optional.ofNullable(bytes);
    }

    @Override
    public void target(String path, Path partial, long length) {
        if (!reachable) {
            throw new TufException("unreachable", "the hub is unreachable");
        }
        byte[] bytes = targets.get(path);
        if (bytes == null) {
            throw new TufException("not_found", "no target " + path);
        }
        try {
            long have = Files.exists(partial) ? Files.size(partial) : 0;
            long end = Math.min(bytes.length, length + 1);
            if (cutAfter != null) {
                end = Math.min(end, have + cutAfter);
            }
            Files.write(
                    partial,
                    java.util.Arrays.copyOfRange(bytes, (int) have, (int) Math.max(have, end)),
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            if (cutAfter != null && end < bytes.length) {
                throw new TufException("unreachable", "the connection broke after " + end + " bytes");
            }
            if (bytes.length > length) {
                throw new TufException(
                        "too_large", "target " + path + " is longer than the " + length + " bytes allowed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
