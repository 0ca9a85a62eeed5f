package io.enginex.edge.server.update;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's timer task (every minute, on a timer thread): signs timestamp and snapshot again (and
 * targets, when its key is online) before clients could see them expire. A failure is logged and
 * tried again at the next run; it never stops the hub. Root's expiry is only warned about: renewing
 * it needs the offline keys.
 */
public final class RepositoryRefresh implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(RepositoryRefresh.class);
    private final UpdateRepository repository;

    public RepositoryRefresh(UpdateRepository repository) {
        this.repository = repository;
    }

    @Override
    public void run() {
        try {
            List<String> signed = repository.refresh(List.of(repository.onlineKeysDir()));
            if (!signed.isEmpty()) {
                log.info("update repository: signed {} again before they expire", signed);
            }
        } catch (RuntimeException e) {
            log.warn("update repository: could not sign its metadata again ({}); retrying in a minute", e.getMessage());
        }
    }
}
