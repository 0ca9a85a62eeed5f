package io.enginex.edge.agent.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.agent.audit.AuditLog;
import io.enginex.edge.agent.testing.FakeClock;
import io.enginex.edge.agent.tools.JobSecrets;
import io.enginex.edge.agent.tools.SecretConsent;
import io.enginex.edge.agent.tools.ToolException;
import io.enginex.edge.agent.usersession.SessionConsent;
import io.enginex.edge.agent.usersession.SessionRegistry;
import io.enginex.edge.protocol.ErrorCodes;
import io.enginex.edge.protocol.SecretDelivery;
import io.enginex.edge.protocol.SecretRemoval;
import io.enginex.edge.protocol.SecretSeal;
import io.enginex.edge.protocol.VaultAck;
import io.enginex.edge.protocol.VaultWipe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Secrets the hub sends: opened with this device's exchange key, stored with their cache lifetime, refused otherwise. */
class HubSecretsTest {
    private static final String AGENT = "agt_me";
    private static final String VALUE = "Bearer hub-sent-9c4e7a1f";

    @TempDir
    Path state;

    private final FakeClock clock = new FakeClock(Instant.parse("2026-12-05T09:00:00Z"));
    private final ObjectMapper mapper = new ObjectMapper();
    private final List<String> answers = new ArrayList<>();

    private Vault vault() {
        return new Vault(
                state,
                new KeyStores(state, "Linux", () -> Optional.of("no keyring in this test")),
                clock,
                new SecureRandom(),
                mapper,
                name -> {});
    }

    private HubSecrets secrets(ExchangeKey key) {
        return new HubSecrets(AGENT, key, vault(), new AuditLog(state, 1 << 20, 2, clock, mapper), clock);
    }

    private static SecretDelivery delivery(PublicKey to, String agentId, String name, String deliveryId, long cache) {
        SecretSeal.Sealed sealed = SecretSeal.seal(
                to,
                VALUE.getBytes(StandardCharsets.UTF_8),
                SecretSeal.context(agentId, name, deliveryId),
                new SecureRandom());
        return new SecretDelivery(
                "h-1", deliveryId, name, sealed.ephemeralKey(), sealed.nonce(), sealed.ciphertext(), cache, "auto");
    }

    private void answer(String ref, String outcome, String message) {
        answers.add(ref + " " + outcome + (message == null ? "" : " " + message));
    }

    @Test
    void aSecretSealedToThisDeviceIsStoredUntilItsCacheLifetimeEnds() throws Exception {
        ExchangeKey key = ExchangeKey.loadOrCreate(state, mapper);

        secrets(key).secret(delivery(key.pair().getPublic(), AGENT, "erp-token", "sdl_1", 3600), this::answer);

        assertThat(answers).containsExactly("sdl_1 stored");
        assertThat(vault().get("erp-token").orElseThrow().value()).isEqualTo(VALUE);
        assertThat(vault().get("erp-token").orElseThrow().expires())
                .isEqualTo(clock.instant().plusSeconds(3600));
        String audit = Files.readString(state.resolve(AuditLog.FILE));
        assertThat(audit)
                .contains("\"event\":\"secret.delivered\"", "erp-token")
                .doesNotContain(VALUE);

        clock.advance(Duration.ofSeconds(3601));
        assertThat(vault().get("erp-token")).isEmpty();
    }

    @Test
    void aSecretSealedToAnotherDeviceIsRefusedAndNotStored() {
        ExchangeKey mine = ExchangeKey.loadOrCreate(state, mapper);
        PublicKey other = SecretSeal.newKeyPair().getPublic();

        secrets(mine).secret(delivery(other, AGENT, "erp-token", "sdl_2", 3600), this::answer);

        assertThat(answers)
                .singleElement()
                .asString()
                .startsWith("sdl_2 refused")
                .contains("another device");
        assertThat(vault().get("erp-token")).isEmpty();
    }

    @Test
    void aSecretSealedForAnotherAgentOrNameIsRefused() {
        ExchangeKey key = ExchangeKey.loadOrCreate(state, mapper);
        SecretDelivery forOther = delivery(key.pair().getPublic(), "agt_other", "erp-token", "sdl_3", 3600);
        SecretDelivery renamed = delivery(key.pair().getPublic(), AGENT, "erp-token", "sdl_4", 3600);
        SecretDelivery moved = new SecretDelivery(
                "h-2", "sdl_4", "erp-db", renamed.ephemeralKey(), renamed.nonce(), renamed.ciphertext(), 3600, "auto");

        secrets(key).secret(forOther, this::answer);
        secrets(key).secret(moved, this::answer);

        assertThat(answers).hasSize(2).allMatch(a -> a.contains(" refused "));
        assertThat(vault().list()).isEmpty();
    }

    @Test
    void aWipeDeletesTheVaultAndIsAnswered() {
        ExchangeKey key = ExchangeKey.loadOrCreate(state, mapper);
        secrets(key).secret(delivery(key.pair().getPublic(), AGENT, "erp-token", "sdl_5", 3600), this::answer);

        secrets(key).wipe(new VaultWipe("h-3", "vwp_1"), this::answer);

        assertThat(answers).containsExactly("sdl_5 stored", "vwp_1 " + VaultAck.WIPED);
        assertThat(vault().exists()).isFalse();
        assertThat(state.resolve(FileKey.FILE)).doesNotExist();
    }

    @Test
    void aSecretDefinedWithUseApprovalIsRevealedOnlyToAnApprovedJob() {
        ExchangeKey key = ExchangeKey.loadOrCreate(state, mapper);
        SecretDelivery plain = delivery(key.pair().getPublic(), AGENT, "erp-db", "sdl_6", 3600);
        SecretDelivery gated = new SecretDelivery(
                "h-4",
                plain.deliveryId(),
                plain.name(),
                plain.ephemeralKey(),
                plain.nonce(),
                plain.ciphertext(),
                3600,
                "approval");
        secrets(key).secret(gated, this::answer);
        var rules = new io.enginex.edge.agent.policy.SecretRules(
                java.util.Map.of("exec:erp-export", java.util.Set.of("erp-db")),
                java.util.Map.of("exec:erp-export", "machine policy"));
        List<String> uses = new ArrayList<>();

        var unapproved = new io.enginex.edge.agent.tools.JobSecrets(
                "job_1", Optional.of(vault()), (job, tool, secret, outcome) -> uses.add(outcome), null);
        var approved = new io.enginex.edge.agent.tools.JobSecrets(
                "job_2", Optional.of(vault()), (job, tool, secret, outcome) -> uses.add(outcome), "alice");

        assertThat(answers).containsExactly("sdl_6 stored");
        assertThatThrownBy(() -> unapproved.reveal("erp-db", "exec", "erp-export", rules))
                .hasMessageContaining("a job a person approved")
                .hasMessageContaining("approvalRequired")
                .hasMessageNotContaining(VALUE);
        assertThat(approved.reveal("erp-db", "exec", "erp-export", rules)).isEqualTo(VALUE);
        assertThat(uses).containsExactly("refused", "revealed");
    }

    private SecretDelivery withUse(SecretDelivery d, String use) {
        return new SecretDelivery(
                d.id(), d.deliveryId(), d.name(), d.ephemeralKey(), d.nonce(), d.ciphertext(), d.cacheSeconds(), use);
    }

    @Test
    void aRemovalTakesOutADeliveredSecretButNotOneSetOnTheMachine() throws Exception {
        ExchangeKey key = ExchangeKey.loadOrCreate(state, mapper);
        secrets(key).secret(delivery(key.pair().getPublic(), AGENT, "erp-token", "sdl_7", 3600), this::answer);
        vault().set("erp-local", "typed-at-the-machine", null, "auto");

        secrets(key).remove(new SecretRemoval("h-5", "srm_1", "erp-token"), this::answer);
        secrets(key).remove(new SecretRemoval("h-6", "srm_2", "erp-local"), this::answer);
        secrets(key).remove(new SecretRemoval("h-7", "srm_3", "never-had"), this::answer);

        assertThat(answers)
                .containsExactly(
                        "sdl_7 stored",
                        "srm_1 " + VaultAck.REMOVED,
                        "srm_2 " + VaultAck.REMOVED,
                        "srm_3 " + VaultAck.REMOVED);
        assertThat(vault().get("erp-token")).isEmpty();
        assertThat(vault().get("erp-local").orElseThrow().value()).isEqualTo("typed-at-the-machine");
        List<String> removed = Files.readAllLines(state.resolve(AuditLog.FILE)).stream()
                .filter(line -> line.contains("\"event\":\"secret.removed\""))
                .toList();
        assertThat(removed).singleElement().asString().contains("erp-token").contains("\"via\":\"hub\"");
    }

    @Test
    void aSecretDefinedWithUseConsentIsRevealedOnlyWhenThePersonAtTheMachineAgrees() {
        ExchangeKey key = ExchangeKey.loadOrCreate(state, mapper);
        secrets(key)
                .secret(
                        withUse(delivery(key.pair().getPublic(), AGENT, "erp-db", "sdl_8", 3600), "consent"),
                        this::answer);
        var rules = new io.enginex.edge.agent.policy.SecretRules(
                java.util.Map.of("exec:erp-export", java.util.Set.of("erp-db")),
                java.util.Map.of("exec:erp-export", "machine policy"));
        List<String> uses = new ArrayList<>();
        List<String> asked = new ArrayList<>();
        Instant deadline = clock.instant().plusSeconds(60);
        JobSecrets.Uses audit = (job, tool, secret, outcome) -> uses.add(job + " " + outcome);
        SecretConsent agrees =
                (job, tool, secret, until, by, evidence) -> asked.add(job + " " + tool + " " + secret + " " + until);
        SecretConsent declines = (job, tool, secret, until, by, evidence) -> {
            evidence.accept(mapper.createObjectNode().put("answer", "denied").put("answeredBy", "alice"));
            throw new ToolException(ErrorCodes.CONSENT_DENIED, "the person at the machine did not consent");
        };

        var nobody = new JobSecrets(
                "job_1",
                Optional.of(vault()),
                audit,
                null,
                new SessionConsent(
                        new SessionRegistry(),
                        new io.enginex.edge.agent.usersession.ConsentDesk(
                                clock, io.enginex.edge.agent.usersession.ConsentDesk.Listener.NONE),
                        clock),
                deadline);
        var declined = new JobSecrets("job_2", Optional.of(vault()), audit, "alice", declines, deadline);
        var agreed = new JobSecrets("job_3", Optional.of(vault()), audit, null, agrees, deadline);

        assertThatThrownBy(() -> nobody.reveal("erp-db", "exec", "erp-export", rules))
                .isInstanceOfSatisfying(
                        ToolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCodes.NO_USER_SESSION))
                .hasMessageContaining("consent of the person at the machine")
                .hasMessageNotContaining(VALUE);
        assertThatThrownBy(() -> declined.reveal("erp-db", "exec", "erp-export", rules))
                .isInstanceOfSatisfying(
                        ToolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCodes.CONSENT_DENIED));
        // the job's result carries the person's answer, as for a tool that needs consent
        assertThat(declined.consent().path("answeredBy").asText()).isEqualTo("alice");
        assertThat(nobody.consent()).as("nobody was asked: no evidence").isNull();
        assertThat(agreed.reveal("erp-db", "exec", "erp-export", rules)).isEqualTo(VALUE);
        assertThat(asked).containsExactly("job_3 exec:erp-export erp-db " + deadline);
        assertThat(uses).containsExactly("job_1 refused", "job_2 refused", "job_3 consented", "job_3 revealed");
        // A secret set on the machine, or delivered with use auto, asks nobody.
        vault().set("plain", "plain-value", null, "auto");
        var rulesPlain = new io.enginex.edge.agent.policy.SecretRules(
                java.util.Map.of("http.request", java.util.Set.of("plain")),
                java.util.Map.of("http.request", "machine policy"));
        assertThat(new JobSecrets("job_4", Optional.of(vault()), audit, null, SecretConsent.NOBODY, deadline)
                        .reveal("plain", "http.request", null, rulesPlain))
                .isEqualTo("plain-value");
    }

    @Test
    void theExchangeKeyIsKeptOwnerOnlyAndReloaded() throws Exception {
        ExchangeKey made = ExchangeKey.loadOrCreate(state, mapper);
        ExchangeKey loaded = ExchangeKey.loadOrCreate(state, mapper);

        assertThat(loaded.publicKeyBase64()).isEqualTo(made.publicKeyBase64());
        assertThat(loaded.pair().getPrivate().getEncoded())
                .isEqualTo(made.pair().getPrivate().getEncoded());
        Path file = state.resolve(ExchangeKey.FILE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(made.toString())
                .doesNotContain(java.util.Base64.getEncoder()
                        .encodeToString(made.pair().getPrivate().getEncoded()));

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> ExchangeKey.loadOrCreate(state, mapper))
                .isInstanceOf(VaultException.class)
                .hasMessageContaining("chmod 600");
    }
}
