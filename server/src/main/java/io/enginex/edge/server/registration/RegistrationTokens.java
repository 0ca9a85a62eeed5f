package io.enginex.edge.server.registration;

import io.enginex.edge.server.HubException;
import io.enginex.edge.server.IdGenerator;
import io.enginex.edge.server.PrintableField;
import io.enginex.edge.server.auth.Secrets;
import io.enginex.edge.server.store.RegistrationToken;
import io.enginex.edge.server.store.RegistrationTokenStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/** Issues, lists and revokes registration tokens of a tenant. Thread-safe. */
public final class RegistrationTokens {
    public static final Duration DEFAULT_TTL = Duration.ofHours(1);
    public static final Duration MIN_TTL = Duration.ofSeconds(60);
    public static final Duration MAX_TTL = Duration.ofDays(30);
    public static final int MAX_USES = 10_000;
    public static final int MAX_LABELS = 32;
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:=-]{0,62}");

    private final RegistrationTokenStore store;
    private final Secrets secrets;
    private final IdGenerator ids;
    private final Clock clock;

    public RegistrationTokens(RegistrationTokenStore store, Secrets secrets, IdGenerator ids, Clock clock) {
        this.store = store;
        this.secrets = secrets;
        this.ids = ids;
        this.clock = clock;
    }

    /** A new token and its secret, which exists only in this value. */
    public record Issued(RegistrationToken token, String secret) {
        @Override
        public String toString() {
            return "Issued[token=" + token + ", secret=****]";
        }
    }

    /**
     * Issues a token of {@code tenantId}.
     *
     * @throws HubException.BadRequest if ttl, uses or labels are out of range
     */
    public Issued issue(
            String tenantId, Duration ttl, int maxUses, List<String> labels, String description, String createdBy) {
        return issue(tenantId, ttl, maxUses, labels, description, createdBy, null);
    }

    /**
     * Issues a token of {@code tenantId} with its own enrolment budget.
     *
     * @param ratePerMinute enrolments per minute from one source address with this token, or null for
     *     the tenant's (else the hub's) budget
     * @throws HubException.BadRequest if ttl, uses, labels or the rate are out of range
     */
    public Issued issue(
            String tenantId,
            Duration ttl,
            int maxUses,
            List<String> labels,
            String description,
            String createdBy,
            Integer ratePerMinute) {
        if (ratePerMinute != null) {
            EnrolmentRate.check(ratePerMinute, "ratePerMinute");
        }
        if (ttl.compareTo(MIN_TTL) < 0 || ttl.compareTo(MAX_TTL) > 0) {
            throw new HubException.BadRequest("ttlSeconds must be between " + MIN_TTL.toSeconds() + " and "
                    + MAX_TTL.toSeconds() + " (30 days); got " + ttl.toSeconds());
        }
        if (maxUses < 1 || maxUses > MAX_USES) {
            throw new HubException.BadRequest("maxUses must be between 1 and " + MAX_USES + "; got " + maxUses);
        }
        List<String> checked = checkLabels(labels);
        PrintableField.require(description, "description");
        String secret = secrets.newSecret(Secrets.REGISTRATION_TOKEN_PREFIX);
        RegistrationToken token = store.create(
                ids.next("rt"),
                tenantId,
                Secrets.hash(secret),
                description == null ? "" : description,
                checked,
                maxUses,
                clock.instant().plus(ttl),
                createdBy,
                ratePerMinute);
        return new Issued(token, secret);
    }

    public List<RegistrationToken> list(String tenantId) {
        return store.list(tenantId);
    }

    /** @throws HubException.NotFound {@code token_not_found} if the tenant has no such token */
    public void revoke(String tenantId, String id) {
        if (store.find(tenantId, id).isEmpty()) {
            throw new HubException.NotFound(
                    "token_not_found",
                    "tenant " + tenantId + " has no registration token " + id
                            + "; list them with `engine tokens list --tenant " + tenantId + "`");
        }
        store.revoke(tenantId, id, clock.instant());
    }

    /**
     * Checks labels as registration gives them (also an operator's edit of an agent's): at most
     * {@link #MAX_LABELS}, each 1-63 letters, digits and {@code . _ : = -}; duplicates dropped.
     *
     * @throws HubException.BadRequest naming the rule broken
     */
    public static List<String> checkLabels(List<String> labels) {
        if (labels == null) {
            return List.of();
        }
        if (labels.size() > MAX_LABELS) {
            throw new HubException.BadRequest("at most " + MAX_LABELS + " labels; got " + labels.size());
        }
        for (String label : labels) {
            if (label == null || !LABEL.matcher(label).matches()) {
                throw new HubException.BadRequest("labels are 1-63 letters, digits and . _ : = - (starting with a "
                        + "letter or digit); got " + (label == null ? "null" : '"' + label + '"'));
            }
        }
        return labels.stream().distinct().toList();
    }
}
