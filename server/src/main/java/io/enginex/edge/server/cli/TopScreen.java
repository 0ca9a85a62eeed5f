package io.enginex.edge.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.jline.terminal.Attributes;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.utils.InfoCmp.Capability;

/**
 * Runs {@code engine top}'s full-screen view on a terminal until the person quits. One thread (the
 * caller's) owns the {@link TopView} and draws; the feed's threads, a key-reading thread, the
 * window-size signal and the approve/deny requests hand their news to it through a queue, so the
 * view is never touched by two threads. Each frame rewrites every line (no partial updates), in the
 * terminal's alternate screen; raw mode, the cursor and the screen are restored on the way out.
 */
final class TopScreen {
    private final Terminal terminal;
    private final TopView view;
    private final TopFeed feed;
    private final HubClient hub;
    private final String tenant;
    private final BlockingQueue<Runnable> inbox = new LinkedBlockingQueue<>();
    private boolean quit;

    TopScreen(Terminal terminal, TopView view, HubClient hub, String tenant, Duration interval, Clock clock) {
        this.terminal = terminal;
        this.view = view;
        this.hub = hub;
        this.tenant = tenant;
        this.feed = new TopFeed(hub, tenant, interval, clock, listener());
    }

    /** The feed's listener: posts each report to the screen's thread. */
    private TopFeed.Listener listener() {
        return new TopFeed.Listener() {
            @Override
            public void snapshot(TopSnapshot snapshot) {
                inbox.add(() -> view.snapshot(snapshot));
            }

            @Override
            public void failed(String message) {
                inbox.add(() -> view.failed(message));
            }

            @Override
            public void live(boolean live) {
                inbox.add(() -> view.live(live));
            }
        };
    }

    /** Draws and handles keys until q, Ctrl-C or the end of input. */
    void run() {
        Attributes saved = terminal.enterRawMode();
        terminal.handle(Terminal.Signal.WINCH, s -> inbox.add(() -> {}));
        terminal.handle(Terminal.Signal.INT, s -> inbox.add(() -> quit = true));
        terminal.puts(Capability.enter_ca_mode);
        terminal.puts(Capability.cursor_invisible);
        Thread keys = Thread.ofPlatform().daemon().name("top-keys").start(this::readKeys);
        feed.start(true);
        try {
            draw();
            while (!quit) {
                inbox.take().run();
                for (Runnable more; !quit && (more = inbox.poll()) != null; ) {
                    more.run();
                }
                if (!quit) {
                    draw();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            feed.close();
            keys.interrupt();
            terminal.puts(Capability.cursor_visible);
            terminal.puts(Capability.exit_ca_mode);
            terminal.setAttributes(saved);
            terminal.flush();
        }
    }

    private void readKeys() {
        TopKeys keys = new TopKeys(terminal.reader());
        while (true) {
            TopKeys.Key key;
            try {
                key = keys.next();
            } catch (IOException e) {
                key = TopKeys.Key.of(TopKeys.Kind.EOF);
            }
            TopKeys.Key k = key;
            inbox.add(() -> act(view.key(k)));
            if (key.kind() == TopKeys.Kind.EOF) {
                return;
            }
        }
    }

    private void act(TopView.Action action) {
        switch (action) {
            case null -> {}
            case TopView.Quit q -> quit = true;
            case TopView.Refresh r -> feed.refresh();
            case TopView.Decide d -> Thread.ofVirtual().name("top-decide").start(() -> decide(d));
        }
    }

    /** Sends an approval or denial (on its own thread) and posts the outcome for the status line. */
    private void decide(TopView.Decide d) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (!d.reason().isEmpty()) {
            body.put("reason", d.reason());
        }
        String verb = d.approve() ? "approve" : "deny";
        try {
            JsonNode job = hub.post("/api/v1/tenants/" + tenant + "/jobs/" + d.jobId() + "/" + verb, body);
            String message = (d.approve() ? "Approved " : "Denied ") + d.jobId() + " (" + d.label() + ") as "
                    + ClientCommand.text(job.path("approval"), "by") + "; now " + ClientCommand.text(job, "state");
            inbox.add(() -> view.decided(message, false));
        } catch (CliException e) {
            inbox.add(() -> view.decided("could not " + verb + " " + d.jobId() + ": " + e.getMessage(), true));
        }
        feed.refresh();
    }

    private void draw() {
        Size size = terminal.getSize();
        List<String> lines = view.render(Math.max(20, size.getColumns()), Math.max(8, size.getRows()));
        PrintWriter out = terminal.writer();
        StringBuilder frame = new StringBuilder("\u001b[H");
        for (int i = 0; i < lines.size(); i++) {
            frame.append(lines.get(i)).append("\u001b[K");
            if (i < lines.size() - 1) {
                frame.append("\r\n");
            }
        }
        out.print(frame);
        out.flush();
    }
}
