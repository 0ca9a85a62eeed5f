package io.enginex.edge.agent.ui;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.agent.pause.PauseSwitch;
import io.enginex.edge.agent.usersession.ConsentDesk;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running agent's status page and its {@code ui.json}, started and stopped together: a new secret
 * at every start, the file deleted at stop.
 */
public final class LocalUi implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalUi.class);

    /** No page ({@code --no-ui}). */
    public static final LocalUi OFF = new LocalUi(null, null);

    private final StatusPage page;
    private final UiFile file;

    private LocalUi(StatusPage page, UiFile file) {
        this.page = page;
        this.file = file;
    }

    /**
     * @param dir where to write {@code ui.json}
     * @param group the group that may read it, or null for owner-only
     * @throws UncheckedIOException when the port is taken or the file cannot be written
     */
    public static LocalUi start(
            int port,
            Path dir,
            String group,
            Supplier<ObjectNode> facts,
            PauseSwitch pause,
            GraphStarter graphs,
            ConsentDesk consents,
            Clock clock,
            ObjectMapper mapper,
            ExecutorService executor) {
        SecureRandom random = new SecureRandom();
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String secret = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        StatusPage page =
                StatusPage.start(port, secret, facts, pause, graphs, consents, clock, random, mapper, executor);
        UiFile file = new UiFile(dir, mapper);
        try {
            String warning = file.write(
                    new UiFile.Contents(
                            page.url(),
                            page.port(),
                            secret,
                            ProcessHandle.current().pid()),
                    group);
            if (warning != null) {
                log.atWarn().log(warning);
            }
        } catch (IOException e) {
            page.close();
            throw new UncheckedIOException(
                    "cannot write " + file.path() + " (" + e.getMessage() + "); pass a writable --ui-dir, or --no-ui",
                    e);
        }
        log.atInfo()
                .addKeyValue("url", page.url())
                .addKeyValue("file", file.path())
                .log("status page ready; open it with: enginex-agent ui");
        return new LocalUi(page, file);
    }

    /** The page's address, or null when off. */
    public String url() {
        return page == null ? null : page.url();
    }

    /** A one-time login link verified as {@code user} (see {@link StatusPage#verifiedLoginLink}); empty when off. */
    public Optional<String> verifiedLoginLink(String user) {
        return page == null ? Optional.empty() : Optional.of(page.verifiedLoginLink(user));
    }

    @Override
    public void close() {
        if (page != null) {
            page.close();
            file.deleteIfOwn(ProcessHandle.current().pid());
        }
    }
}
