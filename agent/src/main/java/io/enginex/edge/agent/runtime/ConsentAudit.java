package io.enginex.edge.agent.runtime;

import io.enginex.edge.agent.audit.AuditLog;
import io.enginex.edge.agent.usersession.ConsentDesk;

/** Writes each consent request, and how it was decided, to the agent's {@code audit.jsonl}. */
public final class ConsentAudit {
    private ConsentAudit() {}

    public static ConsentDesk.Listener of(AuditLog audit) {
        return new ConsentDesk.Listener() {
            @Override
            public void opened(ConsentDesk.Request r) {
                audit.recordConsent(
                        "consent.asked",
                        r.id(),
                        r.jobId(),
                        r.tool(),
                        r.secret(),
                        r.user(),
                        null,
                        null,
                        null,
                        r.requestedBy());
            }

            @Override
            public void decided(ConsentDesk.Request r, ConsentDesk.Answer a) {
                String outcome = a.by() == null ? "no_answer" : a.allowed() ? "allowed" : "denied";
                audit.recordConsent(
                        "consent.answered",
                        r.id(),
                        r.jobId(),
                        r.tool(),
                        r.secret(),
                        r.user(),
                        outcome,
                        a.by(),
                        a.via(),
                        null);
            }
        };
    }
}
