package io.enginex.edge.agent.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.enginex.edge.agent.journal.JobOutcome;
import io.enginex.edge.agent.policy.SecretRules;
import io.enginex.edge.agent.vault.SecretEntry;
import io.enginex.edge.agent.vault.SecretNames;
import io.enginex.edge.agent.vault.Vault;
import io.enginex.edge.agent.vault.VaultException;
import io.enginex.edge.protocol.ErrorCodes;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The vault secrets one job may put into its tool call, resolved at the last moment ({@link
 * #reveal}) and remembered so that their values can be taken out of everything the job returns
 * ({@link #redact}): each value becomes {@code [secret:NAME]} in the output, the error message and
 * progress, whatever the tool did with it. The job runner redacts every outcome before it is
 * journaled, audited, logged or sent, so a tool cannot return a value it revealed.
 *
 * <p>Every reveal, allowed or refused, is reported to {@link Uses} (the agent's audit log: secret
 * name, tool, job id; never the value). Thread-safe.
 */
public final class JobSecrets {
    /** Receives each use of a secret; implementations never throw. */
    @FunctionalInterface
    public interface Uses {
        /**
         * @param outcome {@code revealed}, {@code refused} (policy, or the person at the machine did not
         *     consent), {@code consented} (the person agreed; {@code revealed} follows) or {@code missing}
         */
        void used(String jobId, String tool, String secret, String outcome);
    }

    private final String jobId;
    private final Optional<Vault> vault;
    private final Uses uses;
    private final String approvedBy;
    private final String requestedBy;
    private final SecretConsent consent;
    private final Instant deadline;
    private final ReentrantLock lock = new ReentrantLock();
    /** name → value of every secret revealed to this job. Guarded by lock. */
    private final Map<String, String> revealed = new LinkedHashMap<>();
    /** How the person answered the last {@code use: consent} request of this job, or null. */
    private volatile ObjectNode answered;

    /**
     * @param vault the agent's vault, or empty when it has none
     */
    public JobSecrets(String jobId, Optional<Vault> vault, Uses uses) {
        this(jobId, vault, uses, null);
    }

    /**
     * @param approvedBy who approved the job on the hub (its dispatch's {@code approvedBy}), or null:
     *     a secret defined with {@code use: approval} is revealed only when it is set
     */
    public JobSecrets(String jobId, Optional<Vault> vault, Uses uses, String approvedBy) {
        this(jobId, vault, uses, approvedBy, SecretConsent.NOBODY, Instant.MAX);
    }

    /**
     * @param consent asks the person at the machine before a secret defined with {@code use: consent}
     *     is revealed
     * @param deadline the job's deadline: how long the person may take to answer
     */
    public JobSecrets(
            String jobId,
            Optional<Vault> vault,
            Uses uses,
            String approvedBy,
            SecretConsent consent,
            Instant deadline) {
        this(jobId, vault, uses, approvedBy, consent, deadline, null);
    }

    /**
     * @param requestedBy who asked for the job on the hub (its dispatch's {@code requestedBy}), or null:
     *     shown to the person asked for consent
     */
    public JobSecrets(
            String jobId,
            Optional<Vault> vault,
            Uses uses,
            String approvedBy,
            SecretConsent consent,
            Instant deadline,
            String requestedBy) {
        this.approvedBy = approvedBy;
        this.requestedBy = requestedBy;
        this.jobId = jobId;
        this.vault = vault;
        this.uses = uses;
        this.consent = consent;
        this.deadline = deadline;
    }

    /** For a job on an agent without a vault: every reveal is refused. */
    public static JobSecrets none(String jobId) {
        return new JobSecrets(jobId, Optional.empty(), (job, tool, secret, outcome) -> {});
    }

    /**
     * The value of secret {@code name} for {@code tool}, if {@code rules} let it use it.
     *
     * @param template the command template for {@code exec}, else null
     * @throws ToolException {@code blocked_by_policy} when the policy does not grant it (naming what
     *     to add), {@code consent_denied} or {@code consent_timeout} when the person at the machine
     *     declined a {@code use: consent} secret or did not answer, {@code no_user_session} when such a
     *     secret has nobody to ask, {@code not_found} when the vault has no
     *     such secret (or it expired), {@code tool_failed} when the vault cannot be opened
     */
    public String reveal(String name, String tool, String template, SecretRules rules) {
        String key = template == null ? tool : tool + ":" + template;
        if (!rules.allows(tool, template, name)) {
            uses.used(jobId, key, name, "refused");
            throw new ToolException(
                    ErrorCodes.BLOCKED_BY_POLICY,
                    "the secret " + name + " may not be used by " + key + " under the effective policy (it lets "
                            + key + " use: "
                            + (rules.names(tool, template).isEmpty()
                                    ? "none"
                                    : String.join(", ", rules.names(tool, template)))
                            + "; " + rules.sourceOf(tool, template) + "). The machine's administrator grants it with"
                            + " \"secrets\": {\"" + key + "\": [\"" + name + "\"]} in the machine policy");
        }
        Optional<SecretEntry> entry;
        try {
            entry = vault.flatMap(v -> v.get(name));
        } catch (VaultException e) {
            uses.used(jobId, key, name, "missing");
            throw new ToolException(ErrorCodes.TOOL_FAILED, "the vault cannot be read: " + e.getMessage());
        }
        if (entry.isEmpty()) {
            uses.used(jobId, key, name, "missing");
            throw new ToolException(
                    ErrorCodes.NOT_FOUND,
                    "this machine's vault has no secret " + name + " (never set, removed or expired); set it on the"
                            + " machine: enginex-agent secrets set " + name);
        }
        if (entry.get().approvalRequired() && approvedBy == null) {
            uses.used(jobId, key, name, "refused");
            throw new ToolException(
                    ErrorCodes.BLOCKED_BY_POLICY,
                    "the secret " + name + " may only be used by a job a person approved on the hub (the tenant"
                            + " defined it with use: approval), and this job was not approved. Make " + key
                            + " need approval: add it to approvalRequired in a tenant policy");
        }
        if (entry.get().consentRequired()) {
            try {
                consent.ask(jobId, key, name, deadline, requestedBy, answer -> answered = answer);
            } catch (ToolException e) {
                uses.used(jobId, key, name, "refused");
                throw e;
            }
            uses.used(jobId, key, name, "consented");
        }
        lock.lock();
        try {
            revealed.put(name, entry.get().value());
        } finally {
            lock.unlock();
        }
        uses.used(jobId, key, name, "revealed");
        return entry.get().value();
    }

    /**
     * The evidence of how the person at the machine answered this job's last request to use a secret
     * defined {@code use: consent} (allowed, denied or unanswered), as {@link SecretConsent} gave it; null
     * when none was asked. It names the secret, never its value.
     */
    public ObjectNode consent() {
        return answered;
    }

    /** The value of a {@code secret:NAME} reference, or {@code value} itself when it is not one. */
    public String resolve(String value, String tool, String template, SecretRules rules) {
        if (!SecretNames.isReference(value)) {
            return value;
        }
        String name;
        try {
            name = SecretNames.referenced(value);
        } catch (IllegalArgumentException e) {
            throw new ToolException(ErrorCodes.INVALID_ARGUMENTS, e.getMessage());
        }
        return reveal(name, tool, template, rules);
    }

    /** {@code text} with every revealed value replaced by {@code [secret:NAME]}; null stays null. */
    public String redact(String text) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (Map.Entry<String, String> secret : byLength()) {
            out = out.replace(secret.getValue(), SecretNames.placeholder(secret.getKey()));
        }
        return out;
    }

    /** {@code bytes} with every revealed value's UTF-8 bytes replaced by {@code [secret:NAME]}. */
    public byte[] redact(byte[] bytes) {
        if (revealedNone()) {
            return bytes;
        }
        // ISO-8859-1 maps each byte to one char and back, so a byte-wise replace is a string replace.
        String latin = new String(bytes, StandardCharsets.ISO_8859_1);
        for (Map.Entry<String, String> secret : byLength()) {
            String value = new String(secret.getValue().getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
            latin = latin.replace(value, SecretNames.placeholder(secret.getKey()));
        }
        return latin.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** {@code node} with every text (keys included) redacted; the same node when nothing was revealed. */
    public JsonNode redact(JsonNode node) {
        if (node == null || revealedNone()) {
            return node;
        }
        if (node.isTextual()) {
            return TextNode.valueOf(redact(node.asText()));
        }
        if (node.isObject()) {
            ObjectNode copy = ((ObjectNode) node).objectNode();
            node.properties().forEach(e -> copy.set(redact(e.getKey()), redact(e.getValue())));
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = ((ArrayNode) node).arrayNode();
            node.forEach(item -> copy.add(redact(item)));
            return copy;
        }
        return node;
    }

    /** The outcome with its output and error message redacted. */
    public JobOutcome redact(JobOutcome outcome) {
        if (revealedNone()) {
            return outcome;
        }
        return outcome.ok()
                ? JobOutcome.success(redact(outcome.output()), outcome.startedAt(), outcome.finishedAt())
                : JobOutcome.failure(
                        outcome.error().code(),
                        redact(outcome.error().message()),
                        outcome.startedAt(),
                        outcome.finishedAt());
    }

    private boolean revealedNone() {
        lock.lock();
        try {
            return revealed.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /** Longest values first, so a value that contains another is replaced whole. */
    private java.util.List<Map.Entry<String, String>> byLength() {
        lock.lock();
        try {
            return revealed.entrySet().stream()
                    .map(e -> Map.entry(e.getKey(), e.getValue()))
                    .sorted(Comparator.comparingInt((Map.Entry<String, String> e) ->
                                    e.getValue().length())
                            .reversed())
                    .toList();
        } finally {
            lock.unlock();
        }
    }
}
