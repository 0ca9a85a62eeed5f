package io.enginex.edge.server.registration;

import io.enginex.edge.protocol.KeyFingerprint;
import io.enginex.edge.server.HubException;
import io.enginex.edge.server.IdGenerator;
import io.enginex.edge.server.PrintableField;
import io.enginex.edge.server.audit.Actor;
import io.enginex.edge.server.auth.Secrets;
import io.enginex.edge.server.store.Agent;
import io.enginex.edge.server.store.AgentStore;
import io.enginex.edge.server.store.DeviceCode;
import io.enginex.edge.server.store.DeviceCodeStore;
import io.enginex.edge.server.store.DuplicateException;
import io.enginex.edge.server.store.MachineStore;
import io.enginex.edge.server.store.TenantStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Agent enrolment by the OAuth 2.0 device authorization grant (RFC 8628). The agent asks with its
 * public key and machine facts and gets a device code (secret, for polling) and a user code (typed by
 * a person); an admin looks the user code up, sees the machine and its key fingerprint, and approves
 * it into a tenant with labels (which creates the agent) or denies it; the agent's next poll gets its
 * agent id once. A device may name the tenant it asks to join; it is then that tenant's from the
 * start: its admins see it in their queue ({@link #pending}), and only they (or the platform) can look
 * it up, approve or deny it. Codes live {@link #TTL}; user codes are 8 letters from a 20-consonant alphabet
 * (no vowels, no look-alikes), about 34 bits, behind per-address rate limits. Thread-safe.
 */
public final class DeviceAuthorizations {
    /** How long a code may wait for approval. */
    public static final Duration TTL = Duration.ofMinutes(10);

    /** The polling interval a device starts with; {@code slow_down} adds {@link #SLOW_DOWN}. */
    public static final int INTERVAL_SECONDS = 5;

    static final int SLOW_DOWN = 5;
    private static final char[] USER_CODE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ".toCharArray();
    private static final String DEVICE_CODE_PREFIX = "exd_";

    private final DeviceCodeStore store;
    private final AgentStore agents;
    private final MachineStore machines;
    private final TenantStore tenants;
    private final Secrets secrets;
    private final SecureRandom random;
    private final IdGenerator ids;
    private final Clock clock;

    private final EnrolmentFailures failures;

    public DeviceAuthorizations(
            DeviceCodeStore store,
            AgentStore agents,
            MachineStore machines,
            TenantStore tenants,
            Secrets secrets,
            SecureRandom random,
            IdGenerator ids,
            Clock clock,
            EnrolmentFailures failures) {
        this.failures = failures;
        this.store = store;
        this.agents = agents;
        this.machines = machines;
        this.tenants = tenants;
        this.secrets = secrets;
        this.random = random;
        this.ids = ids;
        this.clock = clock;
    }

    /**
     * What the agent sends.
     *
     * @param machineId the agent's hashed machine id (64 lower-case hex digits), or null; anything else
     *     is ignored, as at token enrolment
     * @param tenant the tenant the device asks to join ({@code register --tenant}), or null for any
     */
    public record Request(
            String publicKey,
            String hostname,
            String os,
            String arch,
            String user,
            String agentVersion,
            String machineId,
            String tenant) {}

    private static final Pattern MACHINE_ID = Pattern.compile("[0-9a-f]{64}");

    /** The device code (secret, shown only to the agent) and the user code. */
    public record Started(String deviceCode, String userCode, Instant expiresAt, int interval) {
        @Override
        public String toString() {
            return "Started[userCode=" + userCode + ", expiresAt=" + expiresAt + "]";
        }
    }

    /** A pending request as an approver sees it. */
    public record Pending(DeviceCode code, String keyFingerprint) {}

    /**
     * Starts a device authorization.
     *
     * @throws HubException.BadRequest for a bad key or fields, or a tenant the hub does not have
     */
    public Started start(Request r, String sourceIp) {
        var key = Ed25519Keys.parse(r.publicKey());
        String hostname = field(r.hostname(), "hostname", true);
        String tenant =
                r.tenant() == null || r.tenant().isBlank() ? null : r.tenant().strip();
        if (tenant != null && tenants.find(tenant).isEmpty()) {
            throw new HubException.BadRequest(
                    "tenant_unknown",
                    "this hub has no tenant " + tenant
                            + "; check the tenant id with your admin, or leave --tenant out");
        }
        Instant now = clock.instant();
        String deviceCode = secrets.newSecret(DEVICE_CODE_PREFIX);
        for (int attempt = 0; ; attempt++) {
            String userCode = newUserCode();
            try {
                store.create(new DeviceCode(
                        Secrets.hash(deviceCode),
                        userCode,
                        Base64.getEncoder().encodeToString(key.getEncoded()),
                        hostname,
                        field(r.os(), "os", false),
                        field(r.arch(), "arch", false),
                        field(r.user(), "user", false),
                        field(r.agentVersion(), "agentVersion", false),
                        sourceIp,
                        now,
                        now.plus(TTL),
                        INTERVAL_SECONDS,
                        null,
                        "pending",
                        tenant,
                        List.of(),
                        null,
                        null,
                        r.machineId() != null
                                        && MACHINE_ID.matcher(r.machineId()).matches()
                                ? r.machineId()
                                : null));
                return new Started(deviceCode, userCode, now.plus(TTL), INTERVAL_SECONDS);
            } catch (DuplicateException taken) {
                if (attempt >= 5) {
                    throw taken;
                }
            }
        }
    }

    /**
     * One poll by the agent.
     *
     * @return the agent made at approval, once
     * @throws HubException.BadRequest with the RFC 8628 code: {@code authorization_pending}, {@code
     *     slow_down}, {@code access_denied}, {@code expired_token}, or {@code invalid_grant} (unknown
     *     or already used device code)
     */
    public Agent poll(String deviceCode) {
        if (deviceCode == null || !deviceCode.startsWith(DEVICE_CODE_PREFIX)) {
            throw invalidGrant();
        }
        String hash = Secrets.hash(deviceCode);
        DeviceCode code = store.findByDeviceCodeHash(hash).orElseThrow(DeviceAuthorizations::invalidGrant);
        Instant now = clock.instant();
        if (!now.isBefore(code.expiresAt()) && !code.status().equals("approved")) {
            throw new HubException.BadRequest(
                    "expired_token",
                    "this request expired at " + code.expiresAt() + "; run register again for a new code");
        }
        switch (code.status()) {
            case "denied" ->
                throw new HubException.BadRequest(
                        "access_denied",
                        "an admin denied this machine's request; ask them, or use a registration token");
            case "consumed" -> throw invalidGrant();
            case "approved" -> {
                if (!store.consume(hash)) {
                    throw invalidGrant();
                }
                return agents.find(code.tenantId(), code.agentId()).orElseThrow(DeviceAuthorizations::invalidGrant);
            }
            default -> {}
        }
        boolean tooSoon = code.lastPolledAt() != null
                && code.lastPolledAt().plusSeconds(code.intervalSeconds()).isAfter(now);
        int interval = tooSoon ? code.intervalSeconds() + SLOW_DOWN : code.intervalSeconds();
        store.recordPoll(hash, now, interval);
        if (tooSoon) {
            throw new HubException.BadRequest(
                    "slow_down", "polling too fast; wait " + interval + " s between polls from now on");
        }
        throw new HubException.BadRequest(
                "authorization_pending", "waiting for an admin to approve user code " + code.userCode());
    }

    /**
     * A pending request by its user code (any spelling: lower case, with or without the dash), as
     * {@code viewerTenant} may see it.
     *
     * @param viewerTenant the looking admin's tenant, or null for the platform (sees every request)
     * @throws HubException.NotFound {@code device_code_not_found} if unknown, decided, expired, or asked
     *     to join another tenant (told apart from unknown to nobody)
     */
    public Pending find(String userCode, String viewerTenant) {
        DeviceCode code = store.findByUserCode(normalize(userCode))
                .filter(c -> c.status().equals("pending") && clock.instant().isBefore(c.expiresAt()))
                .filter(c -> viewerTenant == null
                        || c.tenantId() == null
                        || c.tenantId().equals(viewerTenant))
                .orElseThrow(() -> new HubException.NotFound(
                        "device_code_not_found",
                        "no pending request with user code " + userCode
                                + "; codes expire after 10 minutes — ask the user to run register again"));
        return new Pending(code, KeyFingerprint.ofBase64(code.publicKey()));
    }

    /**
     * Approves into {@code tenant} with {@code labels}, creating the agent; if the device sent a
     * machine id, the tenant's earlier agents of that machine are marked replaced by it.
     */
    public Agent approve(String userCode, String tenant, List<String> labels, String approvedBy) {
        DeviceCode code = find(userCode, tenant).code();
        List<String> checked = RegistrationTokens.checkLabels(labels);
        String agentId = ids.next("agt");
        Instant now = clock.instant();
        if (!store.decide(code.userCode(), "approved", tenant, checked, approvedBy, agentId, now)) {
            throw alreadyDecided(userCode);
        }
        Agent agent = agents.create(Agent.registered(
                agentId,
                tenant,
                code.publicKey(),
                code.hostname(),
                code.os(),
                code.arch(),
                code.agentVersion(),
                checked,
                null,
                now));
        if (code.machineId() != null) {
            machines.record(tenant, agentId, code.machineId(), now);
        }
        return agent;
    }

    /**
     * Denies a pending request {@code viewerTenant} may see; the denial is recorded as a failed
     * enrolment in the audit trail of the device's tenant (the one it named, else the denying admin's;
     * hub-wide when neither is known), with the machine's address and hostname.
     *
     * @param viewerTenant the denying admin's tenant, or null for the platform
     */
    public DeviceCode deny(String userCode, String viewerTenant, Actor deniedBy) {
        DeviceCode code = find(userCode, viewerTenant).code();
        if (!store.decide(
                code.userCode(), "denied", code.tenantId(), List.of(), deniedBy.id(), null, clock.instant())) {
            throw alreadyDecided(userCode);
        }
        failures.deviceDenied(code.tenantId() != null ? code.tenantId() : viewerTenant, code, deniedBy);
        return code;
    }

    /** The requests waiting for approval that asked to join {@code tenant}, oldest first. */
    public List<Pending> pending(String tenant) {
        return store.listPending(tenant, clock.instant()).stream()
                .map(c -> new Pending(c, KeyFingerprint.ofBase64(c.publicKey())))
                .toList();
    }

    /** {@code abcd-efgh}, {@code ABCDEFGH} → {@code ABCD-EFGH}. */
    static String normalize(String userCode) {
        String letters =
                userCode == null ? "" : userCode.toUpperCase(Locale.ROOT).replaceAll("[^A-Z]", "");
        return letters.length() == 8 ? letters.substring(0, 4) + "-" + letters.substring(4) : letters;
    }

    private String newUserCode() {
        StringBuilder s = new StringBuilder(9);
        for (int i = 0; i < 8; i++) {
            if (i == 4) {
                s.append('-');
            }
            s.append(USER_CODE_ALPHABET[random.nextInt(USER_CODE_ALPHABET.length)]);
        }
        return s.toString();
    }

    private static HubException.Conflict alreadyDecided(String userCode) {
        return new HubException.Conflict(
                "device_code_decided", "user code " + userCode + " was approved or denied by someone else just now");
    }

    private static HubException.BadRequest invalidGrant() {
        return new HubException.BadRequest(
                "invalid_grant", "this device code is unknown or was used already; run register again");
    }

    private static String field(String value, String name, boolean required) {
        if (value == null || value.isBlank()) {
            if (required) {
                throw new HubException.BadRequest(name + " is required");
            }
            return "";
        }
        if (value.length() > 200) {
            throw new HubException.BadRequest(name + " is longer than 200 characters");
        }
        return PrintableField.require(value, name).strip();
    }
}
