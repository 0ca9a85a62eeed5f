package io.enginex.edge.agent.runtime;

import io.enginex.edge.agent.audit.AuditLog;
import io.enginex.edge.agent.vault.Vault;
import io.enginex.edge.agent.vault.VaultException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running agent's care of its vault: a periodic sweep that removes expired secrets whether or not
 * the hub is reachable (every read removes them too), and the wipe when the hub revoked the agent.
 * The sweep runs on the agent's scheduler thread and never throws; a vault it cannot open is
 * logged once, not on every sweep.
 */
final class VaultSweep implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(VaultSweep.class);

    /** How often expired secrets are removed from the file when nobody reads them. */
    static final Duration INTERVAL = Duration.ofSeconds(15);

    private final Vault vault;
    private String lastProblem;

    VaultSweep(Vault vault) {
        this.vault = vault;
    }

    @Override
    public void run() {
        try {
            vault.sweep();
            lastProblem = null;
        } catch (VaultException | IllegalStateException e) {
            if (!e.getMessage().equals(lastProblem)) {
                lastProblem = e.getMessage();
                log.atWarn().log("vault sweep: " + e.getMessage());
            }
        }
    }

    /** Wipes the vault of an agent the hub revoked (its key too), and audits it. */
    static void wipeOnRevocation(Vault vault, AuditLog audit) {
        try {
            if (vault.wipe()) {
                audit.recordVault("vault.wiped", null, "revocation", "agent");
                log.atWarn().addKeyValue("file", vault.path()).log("the hub revoked this agent: its vault was wiped");
            }
        } catch (VaultException e) {
            log.atError()
                    .log("the hub revoked this agent but its vault could not be wiped: " + e.getMessage() + "; delete "
                            + vault.path() + " by hand");
        }
    }
}
