package io.enginex.edge.agent.exec;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where neither process groups nor job objects are used (macOS, Linux without {@code setsid}): the
 * tree is the child and its current descendants. A descendant that detached itself (double fork,
 * re-parented to init) is not found; see docs/POLICY.md.
 *
 * <p>Immutable and thread-safe.
 */
final class DescendantTrees implements ProcessGroups {
    private static final Duration SAME_START = Duration.ofSeconds(1);
    private static final Duration LAST_WAIT = Duration.ofSeconds(5);

    @Override
    public List<String> argv(List<String> command) {
        return command;
    }

    @Override
    public ProcessTree attach(Process process) {
        return new Tree(process.toHandle(), process.info().startInstant().orElseGet(Instant::now));
    }

    @Override
    public int endOrphan(long pid, Instant startedAt, Duration grace) {
        Optional<ProcessHandle> root = ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info()
                        .startInstant()
                        .map(s -> Duration.between(s, startedAt).abs().compareTo(SAME_START) < 0)
                        .orElse(false));
        if (root.isEmpty()) {
            return 0;
        }
        int found = 1 + (int) root.get().descendants().count();
        new Tree(root.get(), startedAt).end(grace);
        return found;
    }

    private static final class Tree implements ProcessTree {
        private final ProcessHandle root;
        private final Instant startedAt;

        Tree(ProcessHandle root, Instant startedAt) {
            this.root = root;
            this.startedAt = startedAt;
        }

        @Override
        public long id() {
            return root.pid();
        }

        @Override
        public Instant startedAt() {
            return startedAt;
        }

        @Override
        public boolean contained() {
            return false;
        }

        @Override
        public boolean end(Duration grace) {
            boolean interrupted = Thread.interrupted();
            // Remember who was in the tree: once the root dies its children are re-parented and
            // no longer its descendants.
            List<ProcessHandle> seen = new ArrayList<>();
            try {
                snapshot(seen);
                seen.forEach(ProcessHandle::destroy);
                if (!interrupted && Waits.until(() -> allGone(seen), grace, () -> snapshot(seen))) {
                    return true;
                }
                interrupted |= Thread.interrupted();
                snapshot(seen);
                seen.forEach(ProcessHandle::destroyForcibly);
                return Waits.until(() -> allGone(seen), LAST_WAIT, () -> {
                    snapshot(seen);
                    seen.forEach(ProcessHandle::destroyForcibly);
                });
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        private void snapshot(List<ProcessHandle> seen) {
            List<ProcessHandle> now = new ArrayList<>();
            if (root.isAlive()) {
                now.add(root);
                root.descendants().forEach(now::add);
            }
            for (ProcessHandle known : List.copyOf(seen)) {
                known.descendants().forEach(now::add);
            }
            now.stream().filter(p -> !seen.contains(p)).forEach(seen::add);
        }

        private static boolean allGone(List<ProcessHandle> seen) {
            return seen.stream().noneMatch(ProcessHandle::isAlive);
        }
    }
}
