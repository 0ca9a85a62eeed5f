package io.enginex.edge.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A cookie-keeping HTTP client that uses the dashboard as a browser's forms would: it follows no
 * redirects (tests look at them), posts forms url-encoded, and reads server-sent events. For the real
 * browser see the e2e module's Selenium tests.
 */
public final class Browser {
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    private final String baseUrl;
    private final HttpClient http;

    public Browser(String baseUrl) {
        this.baseUrl = baseUrl;
        this.http = HttpClient.newBuilder()
                .cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET());
    }

    /** Posts {@code form} url-encoded, as a browser submits a form. */
    public HttpResponse<String> post(String path, Map<String, String> form) {
        String body = form.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** Signs in through the form and asserts it worked. */
    public Browser signIn(String email, String password) {
        var response = signInAttempt(email, password);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(303);
        return this;
    }

    /** Opens the sign-in page and submits it with its CSRF token. */
    public HttpResponse<String> signInAttempt(String email, String password) {
        String csrf = csrf(get("/ui/login").body());
        var form = new LinkedHashMap<String, String>();
        form.put("csrf", csrf);
        form.put("email", email);
        form.put("password", password);
        return post("/ui/login", form);
    }

    /** The CSRF token of the first form on {@code page}. */
    public static String csrf(String page) {
        Matcher m = CSRF.matcher(page);
        assertThat(m.find()).as("a form with a csrf field in " + page).isTrue();
        return m.group(1);
    }

    /**
     * Opens a server-sent event stream; its {@code data:} lines arrive in {@link Events#lines()} as they
     * come. Close it to disconnect.
     */
    public Events events(String path) {
        var lines = new CopyOnWriteArrayList<String>();
        var request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Accept", "text/event-stream")
                .GET()
                .build();
        var body = new java.util.concurrent.atomic.AtomicReference<java.util.stream.Stream<String>>();
        // Async: thenAccept on a response that has already arrived would read the endless stream on
        // the caller's thread and never return (DashboardIT hung so on a loaded machine).
        http.sendAsync(request, HttpResponse.BodyHandlers.ofLines())
                .thenAcceptAsync(
                        r -> {
                            body.set(r.body());
                            r.body().forEach(lines::add);
                        },
                        task -> Thread.ofVirtual().start(task));
        return new Events(lines, () -> {
            var stream = body.get();
            if (stream != null) {
                stream.close(); // closes the connection; the hub sees the browser go
            }
        });
    }

    /** A running event stream. */
    public record Events(List<String> lines, Runnable closer) implements AutoCloseable {
        public String text() {
            return String.join("\n", lines);
        }

        @Override
        public void close() {
            closer.run();
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
