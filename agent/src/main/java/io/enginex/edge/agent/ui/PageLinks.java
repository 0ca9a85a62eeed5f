package io.enginex.edge.agent.ui;

import io.enginex.edge.agent.usersession.LoginLinks;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The status page the session channel makes login links for: the channel starts before the page and
 * outlives each start of it, so the page in service is set here when it starts and cleared when it
 * stops. Thread-safe.
 */
public final class PageLinks implements LoginLinks {
    private final AtomicReference<LocalUi> page = new AtomicReference<>(LocalUi.OFF);

    /** The page in service from now on ({@link LocalUi#OFF} for none). */
    public void serve(LocalUi ui) {
        page.set(ui);
    }

    @Override
    public Optional<String> verified(String user) {
        return page.get().verifiedLoginLink(user);
    }
}
