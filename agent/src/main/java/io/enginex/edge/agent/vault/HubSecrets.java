package io.enginex.edge.agent.vault;

import io.enginex.edge.agent.audit.AuditLog;
import io.enginex.edge.agent.connection.Inbound;
import io.enginex.edge.protocol.SecretDelivery;
import io.enginex.edge.protocol.SecretRemoval;
import io.enginex.edge.protocol.SecretSeal;
import io.enginex.edge.protocol.VaultAck;
import io.enginex.edge.protocol.VaultWipe;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the agent does with the hub's vault frames: opens a {@code secret} with this device's exchange
 * key (bound to this agent's id, the name and the delivery), stores it in the vault until its cache
 * lifetime ends, and answers {@code stored}; a secret that does not open, or that the vault refuses,
 * is answered {@code refused} with the reason (never the value). A {@code wipe} deletes the vault and
 * its key and is answered {@code wiped}; a {@code secret-remove} removes one delivered secret and is
 * answered {@code removed}. Each is one line of the agent's audit log. Called on the
 * connection's receive thread, one frame at a time.
 */
public final class HubSecrets implements Inbound.VaultFrames {
    private static final Logger log = LoggerFactory.getLogger(HubSecrets.class);

    private final String agentId;
    private final ExchangeKey key;
    private final Vault vault;
    private final AuditLog audit;
    private final Clock clock;

    public HubSecrets(String agentId, ExchangeKey key, Vault vault, AuditLog audit, Clock clock) {
        this.agentId = agentId;
        this.key = key;
        this.vault = vault;
        this.audit = audit;
        this.clock = clock;
    }

    @Override
    public void secret(SecretDelivery delivery, Inbound.VaultReply reply) {
        byte[] plain = null;
        try {
            plain = SecretSeal.open(
                    key.pair(), delivery.sealed(), SecretSeal.context(agentId, delivery.name(), delivery.deliveryId()));
            String value = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(plain))
                    .toString();
            Instant expires = clock.instant().plusSeconds(delivery.cacheSeconds());
            vault.setFromHub(delivery.name(), value, expires, delivery.use());
            audit.recordVault("secret.delivered", delivery.name(), "hub", "hub");
            log.atInfo()
                    .addKeyValue("secret", delivery.name())
                    .addKeyValue("expires", expires)
                    .log("stored a secret the hub sent");
            reply.answer(delivery.deliveryId(), VaultAck.STORED, null);
        } catch (SecretSeal.SealException | VaultException | IllegalArgumentException | CharacterCodingException e) {
            audit.recordVault("secret.refused", delivery.name(), "hub", "hub");
            log.atWarn().addKeyValue("secret", delivery.name()).log("refused a secret the hub sent: " + e.getMessage());
            reply.answer(delivery.deliveryId(), VaultAck.REFUSED, e.getMessage());
        } finally {
            if (plain != null) {
                Arrays.fill(plain, (byte) 0);
            }
        }
    }

    /**
     * Removes a secret the hub delivered (the tenant deleted it, or it no longer applies here), and
     * answers {@code removed} whether or not it was still there; a secret of that name set on the
     * machine is kept. An unreadable vault is answered {@code refused} with the reason.
     */
    @Override
    public void remove(SecretRemoval removal, Inbound.VaultReply reply) {
        try {
            boolean had = vault.removeFromHub(removal.name());
            if (had) {
                audit.recordVault("secret.removed", removal.name(), "tenant admin", "hub");
            }
            log.atInfo()
                    .addKeyValue("secret", removal.name())
                    .addKeyValue("removalId", removal.removalId())
                    .addKeyValue("hadIt", had)
                    .log("the hub asked: delivered secret removed");
            reply.answer(removal.removalId(), VaultAck.REMOVED, null);
        } catch (VaultException | IllegalArgumentException e) {
            log.atWarn()
                    .addKeyValue("secret", removal.name())
                    .log("cannot remove a secret the hub asked to remove: " + e.getMessage());
            reply.answer(removal.removalId(), VaultAck.REFUSED, e.getMessage());
        }
    }

    @Override
    public void wipe(VaultWipe wipe, Inbound.VaultReply reply) {
        boolean had = vault.wipe();
        audit.recordVault("vault.wiped", null, "tenant admin", "hub");
        log.atWarn()
                .addKeyValue("wipeId", wipe.wipeId())
                .addKeyValue("hadVault", had)
                .log("the hub asked: vault wiped");
        reply.answer(wipe.wipeId(), VaultAck.WIPED, null);
    }
}
