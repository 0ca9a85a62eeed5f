package io.enginex.edge.agent.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.agent.FileLocks;
import io.enginex.edge.agent.journal.JobOutcome;
import io.enginex.edge.protocol.Printable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code audit.jsonl} in the state folder: one JSON object per tool invocation, allowed or refused
 * (and one per pause or resume by the person at the machine, see {@link #recordLocal}):
 *
 * <pre>{"at":"…","jobId":"job_…","tool":"fs.read","attempt":1,"path":"q3.csv","argsSha256":"…",
 *  "outcome":"refused","code":"blocked_by_policy","message":"…"}</pre>
 *
 * <p>The lines form a hash chain ({@link LineHash}): each ends with the hash of the line before
 * ({@code prev}) and its own ({@code hash}), across rotated files and restarts (the chain continues
 * from the last complete line on disk; a line cut off by a crash is left as it is and the next line
 * starts on a line of its own). {@code enginex-agent audit verify} ({@link AuditChainCheck}) names
 * the first line that was edited, deleted or reordered. Text from outside (paths, messages, who
 * paused) is written {@link Printable#escape escaped}.
 *
 * <p>Only path-like arguments ({@code path}, {@code from}, {@code to}, {@code command}) are written in
 * clear; everything else (file contents, parameters) only as the SHA-256 of the arguments. The file is
 * owner-only (mode 600) and rotated at {@code maxBytes}: {@code audit.jsonl} → {@code audit.jsonl.1}
 * → … → {@code audit.jsonl.<keep>}, the oldest dropped.
 *
 * <p>Thread-safe: appends are serialised by a lock (held across the small write, which is the point:
 * lines never interleave), and across processes by a file lock on {@code audit.lock}; a line another
 * process appended is chained to. A failure to write is logged and never fails the job.
 */
public final class AuditLog implements AuditTrail {
    /** File name in the state folder. */
    public static final String FILE = "audit.jsonl";

    /** Held while a line is appended, by every process that appends. */
    static final String LOCK_FILE = "audit.lock";

    private static final Logger log = LoggerFactory.getLogger(AuditLog.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final int MAX_MESSAGE = 500;

    private final Path file;
    private final long maxBytes;
    private final int keep;
    private final Clock clock;
    private final ObjectMapper mapper;
    private final ReentrantLock lock = new ReentrantLock();
    /** The hash of the last line written; null until read from disk at the first append. Guarded by lock. */
    private String lastHash;
    /** The file's size after this process's last append; another size means another process appended. */
    private long lastSize = -2;

    /**
     * @param stateDir the agent's state folder (exists, owner-only)
     * @param maxBytes size at which the file is rotated
     * @param keep rotated files kept
     */
    public AuditLog(Path stateDir, long maxBytes, int keep, Clock clock, ObjectMapper mapper) {
        this.file = stateDir.resolve(FILE);
        this.maxBytes = maxBytes;
        this.keep = keep;
        this.clock = clock;
        this.mapper = mapper;
    }

    public Path path() {
        return file;
    }

    @Override
    public void record(String jobId, String tool, JsonNode args, int attempt, JobOutcome outcome) {
        ObjectNode line = mapper.createObjectNode();
        line.put("at", clock.instant().toString());
        line.put("jobId", Printable.escape(jobId));
        line.put("tool", tool);
        line.put("attempt", attempt);
        for (String key : new String[] {"path", "from", "to", "command", "url", "method", "app", "user"}) {
            if (args.hasNonNull(key)) {
                line.put(key, truncate(args.get(key).asText()));
            }
        }
        line.put("argsSha256", sha256(args.toString()));
        if (outcome.ok()) {
            line.put("outcome", "ok");
        } else {
            String code = outcome.error().code();
            line.put("outcome", refusal(code) ? "refused" : "failed");
            line.put("code", code);
            line.put("message", truncate(outcome.error().message()));
        }
        append(line);
    }

    /**
     * A change the person at the machine made through the status page or the CLI:
     *
     * <pre>{"at":"…","event":"paused","by":"alice","via":"status page"}</pre>
     *
     * @param event {@code paused} or {@code resumed}
     */
    public void recordLocal(String event, String by, String via) {
        ObjectNode line = mapper.createObjectNode();
        line.put("at", clock.instant().toString());
        line.put("event", event);
        line.put("by", truncate(by));
        line.put("via", via);
        append(line);
    }

    /**
     * What the updater did to this installation:
     *
     * <pre>{"at":"…","event":"update.switched","version":"1.5.0","detail":"switched to 1.5.0; restarting to run it"}</pre>
     *
     * @param event {@code update.switched}, {@code update.confirmed} or {@code update.rolled_back}
     * @param version the version switched to, confirmed or rolled back
     */
    public void recordUpdate(String event, String version, String detail) {
        ObjectNode line = mapper.createObjectNode();
        line.put("at", clock.instant().toString());
        line.put("event", event);
        line.put("version", truncate(version));
        line.put("detail", truncate(detail));
        append(line);
    }

    /**
     * A job's use of a vault secret, by name only:
     *
     * <pre>{"at":"…","event":"secret.used","jobId":"job_…","tool":"exec:erp-export","secret":"erp-db",
     *  "outcome":"revealed"}</pre>
     */
    @Override
    public void secretUsed(String jobId, String tool, String secret, String outcome) {
        ObjectNode line = mapper.createObjectNode();
        line.put("at", clock.instant().toString());
        line.put("event", "secret.used");
        line.put("jobId", Printable.escape(jobId));
        line.put("tool", truncate(tool));
        line.put("secret", truncate(secret));
        line.put("outcome", outcome);
        append(line);
    }

    /**
     * What happened on the local channel to the users' session parts:
     *
     * <pre>{"at":"…","event":"session.refused","user":"mallory","detail":"user mallory is not among …"}</pre>
     *
     * @param event {@code session.connected}, {@code session.disconnected} or {@code session.refused}
     * @param user the peer's user as the kernel reported it
     */
    public void recordSession(String event, String user, String detail) {
        ObjectNode line = mapper.createObjectNode();
        line.put("at", clock.instant().toString());
        line.put("event", event);
        line.put("user", truncate(user));
        line.put("detail", truncate(detail));
        append(line);
    }

    /**
     * A change to the vault, by name only:
     *
     * <pre>{"at":"…","event":"secret.set","secret":"erp-db","by":"alice","via":"cli"}</pre>
     *
     * @param event {@code secret.set}, {@code secret.removed}, {@code secret.expired}, {@code secrets.listed}
     *     or {@code vault.wiped}
     * @param secret the secret's name, or null for the whole vault
     * @param by the account that did it, or what did it ({@code expiry}, {@code revocation})
     */
    public void recordVault(String event, String secret, String by, String via) {
        ObjectNode line = mapper.createObjectNode();
        line.put("at", clock.instant().toString());
        line.put("event", event);
        if (secret != null) {
            line.put("secret", truncate(secret));
        }
        line.put("by", truncate(by));
        line.put("via", via);
        append(line);
    }

    /**
     * A person asked the running agent to start a graph the hub assigned:
     *
     * <pre>{"at":"…","event":"graph.start","graph":"nightly","by":"alice","via":"cli","outcome":"queued"}</pre>
     *
     * @param refused why it was not started, or null when the run was queued
     */
    public void recordGraphStart(String graph, String by, String via, String refused) {
        ObjectNode line = mapper.createObjectNode();
        line.put("at", clock.instant().toString());
        line.put("event", "graph.start");
        line.put("graph", truncate(graph));
        line.put("by", truncate(by));
        line.put("via", via);
        line.put("outcome", refused == null ? "queued" : "refused");
        if (refused != null) {
            line.put("reason", refused);
        }
        append(line);
    }

    /**
     * A decision on a graph's approval step made at the machine while the agent runs, and what became of it:
     *
     * <pre>{"at":"…","event":"graph.decide","run":"run_…","step":"pay","decision":"approved","by":"local:ana",
     *  "via":"cli","outcome":"applied","message":"…"}</pre>
     *
     * @param outcome {@code applied}, {@code already_decided}, {@code not_waiting}, {@code graph_withdrawn} or
     *     {@code not_allowed}
     */
    public void recordGraphDecision(
            String run, String step, boolean approved, String by, String via, String outcome, String message) {
        ObjectNode line = mapper.createObjectNode();
        line.put("at", clock.instant().toString());
        line.put("event", "graph.decide");
        line.put("run", truncate(run));
        line.put("step", truncate(step));
        line.put("decision", approved ? "approved" : "denied");
        line.put("by", truncate(by));
        line.put("via", via);
        line.put("outcome", outcome);
        line.put("message", truncate(message));
        append(line);
    }

    /**
     * A consent request to the person at the machine ({@code use: consent} secrets, and tools the
     * policy marks {@code consentRequired}: those have no {@code secret}), when asked and when decided:
     *
     * <pre>{"at":"…","event":"consent.answered","request":"…","jobId":"job_…","tool":"http.request",
     *  "secret":"erp-token","user":"alice","outcome":"allowed","by":"alice","via":"status page"}</pre>
     *
     * <p>{@code consent.asked} also names who asked for the job on the hub ({@code requestedBy}) when the
     * dispatch said.
     *
     * @param event {@code consent.asked} or {@code consent.answered}
     * @param outcome null when asked; {@code allowed}, {@code denied} or {@code no_answer} when answered
     * @param by who answered, null for asked or no answer
     * @param via {@code dialog}, {@code status page}, {@code timeout} or {@code cancelled}; null when asked
     * @param requestedBy who asked for the job on the hub (the dispatch's), or null when unknown (the
     *     field is then absent)
     */
    public void recordConsent(
            String event,
            String request,
            String jobId,
            String tool,
            String secret,
            String user,
            String outcome,
            String by,
            String via,
            String requestedBy) {
        ObjectNode line = mapper.createObjectNode();
        line.put("at", clock.instant().toString());
        line.put("event", event);
        line.put("request", request);
        line.put("jobId", Printable.escape(jobId));
        line.put("tool", truncate(tool));
        if (secret != null) {
            line.put("secret", truncate(secret)); // absent for a tool the policy marks consentRequired
        }
        line.put("user", truncate(user));
        if (outcome != null) {
            line.put("outcome", outcome);
        }
        if (by != null) {
            line.put("by", truncate(by));
        }
        if (via != null) {
            line.put("via", via);
        }
        if (requestedBy != null) {
            line.put("requestedBy", truncate(requestedBy));
        }
        append(line);
    }

    private static boolean refusal(String code) {
        return switch (code) {
            case "blocked_by_policy", "path_outside_root", "invalid_arguments", "unknown_tool", "agent_paused" -> true;
            default -> false;
        };
    }

    private void append(ObjectNode line) {
        lock.lock();
        try {
            // Another process (enginex-agent secrets beside the running agent) may append too: one at a time,
            // and the chain continues from whatever line is last on disk.
            FileLocks.with(file.resolveSibling(LOCK_FILE), () -> {
                appendLocked(line);
                return null;
            });
        } catch (IOException e) {
            log.atError().addKeyValue("file", file).setCause(e).log("cannot append to the audit log");
        } finally {
            lock.unlock();
        }
    }

    private void appendLocked(ObjectNode line) {
        try {
            long size = Files.exists(file) ? Files.size(file) : -1;
            if (lastHash == null || size != lastSize) {
                lastHash = lastHashOnDisk();
            }
            line.put("prev", lastHash);
            String json = mapper.writeValueAsString(line);
            String complete = LineHash.complete(json.substring(0, json.length() - 1));
            byte[] bytes = (complete + "\n").getBytes(StandardCharsets.UTF_8);
            if (Files.exists(file) && Files.size(file) + bytes.length > maxBytes) {
                rotate();
            }
            boolean created = !Files.exists(file);
            if (!created && !endsWithNewline(file)) {
                // The last line was cut off (a crash while writing): start this one on a line of its own.
                bytes = ("\n" + complete + "\n").getBytes(StandardCharsets.UTF_8);
            }
            Files.write(file, bytes, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
            lastHash = LineHash.parse(complete).hash();
            lastSize = Files.size(file);
            if (created && file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(file, OWNER_ONLY);
            }
        } catch (JsonProcessingException e) {
            log.atError().setCause(e).log("cannot encode an audit line");
        } catch (IOException e) {
            log.atError().addKeyValue("file", file).setCause(e).log("cannot append to the audit log");
        }
    }

    /** The hash of the last complete chained line in the current (or else the latest rotated) file. */
    private String lastHashOnDisk() throws IOException {
        for (Path candidate : new Path[] {file, rotated(1)}) {
            if (!Files.exists(candidate)) {
                continue;
            }
            List<String> lines = Files.readAllLines(candidate, StandardCharsets.UTF_8);
            for (int i = lines.size() - 1; i >= 0; i--) {
                LineHash.Parsed parsed = LineHash.parse(lines.get(i));
                if (parsed != null) {
                    return parsed.hash();
                }
            }
        }
        return LineHash.GENESIS;
    }

    private static boolean endsWithNewline(Path path) throws IOException {
        try (var channel = Files.newByteChannel(path)) {
            long size = channel.size();
            if (size == 0) {
                return true;
            }
            channel.position(size - 1);
            var last = java.nio.ByteBuffer.allocate(1);
            channel.read(last);
            return last.get(0) == '\n';
        }
    }

    private void rotate() throws IOException {
        Files.deleteIfExists(rotated(keep));
        for (int i = keep - 1; i >= 1; i--) {
            if (Files.exists(rotated(i))) {
                Files.move(rotated(i), rotated(i + 1), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.move(file, rotated(1), StandardCopyOption.REPLACE_EXISTING);
    }

    private Path rotated(int n) {
        return file.resolveSibling(FILE + "." + n);
    }

    private static String truncate(String raw) {
        String text = Printable.escape(raw);
        return text.length() > MAX_MESSAGE ? text.substring(0, MAX_MESSAGE) + "…" : text;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }
}
