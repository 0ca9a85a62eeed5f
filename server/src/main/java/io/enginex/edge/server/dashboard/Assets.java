package io.enginex.edge.server.dashboard;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The dashboard's static files, read from the classpath once at start and served from {@code
 * /ui/assets/{name}} under versioned names: our own CSS and JS carry a hash of their content
 * ({@code dashboard-1a2b3c4d.css}), htmx and its SSE extension the version of their webjar ({@code
 * htmx-2.0.8.min.js}). A name changes whenever the file does, so browsers may cache them forever,
 * and nothing is fetched from the network at run time. Immutable, thread-safe.
 */
public final class Assets {
    static final String ROUTE = "/ui/assets/{name}";
    private static final String PREFIX = "/ui/assets/";

    private record Asset(byte[] bytes, String contentType) {}

    private final Map<String, Asset> byName = new LinkedHashMap<>();
    private final String css;
    private final String js;
    private final String share;
    private final String htmx;
    private final String sse;

    public Assets() {
        css = own("dashboard/static/dashboard.css", "dashboard", "css", "text/css; charset=utf-8");
        js = own("dashboard/static/dashboard.js", "dashboard", "js", "text/javascript; charset=utf-8");
        share = own("dashboard/static/share.css", "share", "css", "text/css; charset=utf-8");
        String htmxVersion = webjarVersion("htmx.org");
        htmx = add(
                "htmx-" + htmxVersion + ".min.js",
                read("META-INF/resources/webjars/htmx.org/" + htmxVersion + "/dist/htmx.min.js"),
                "text/javascript; charset=utf-8");
        String sseVersion = webjarVersion("htmx-ext-sse");
        sse = add(
                "htmx-ext-sse-" + sseVersion + ".js",
                read("META-INF/resources/webjars/htmx-ext-sse/" + sseVersion + "/sse.js"),
                "text/javascript; charset=utf-8");
    }

    /** URL of the dashboard's stylesheet. */
    public String css() {
        return css;
    }

    /** URL of the stylesheet of the read-only session page a capability link opens ({@link SessionPage}). */
    public String share() {
        return share;
    }

    /** URL of the dashboard's own script (copy buttons, small enhancements). */
    public String js() {
        return js;
    }

    /** URL of htmx. */
    public String htmx() {
        return htmx;
    }

    /** URL of htmx's SSE extension. */
    public String sse() {
        return sse;
    }

    /** {@code GET /ui/assets/{name}}: the file, cacheable for a year, or 404. */
    void serve(Context ctx) {
        Asset asset = byName.get(ctx.pathParam("name"));
        if (asset == null) {
            ctx.status(404).contentType("text/plain; charset=utf-8").result("no such asset");
            return;
        }
        ctx.header("Cache-Control", "public, max-age=31536000, immutable");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.contentType(asset.contentType()).result(asset.bytes());
    }

    private String own(String resource, String stem, String extension, String contentType) {
        byte[] bytes = read(resource);
        return add(stem + "-" + hash(bytes) + "." + extension, bytes, contentType);
    }

    private String add(String name, byte[] bytes, String contentType) {
        byName.put(name, new Asset(bytes, contentType));
        return PREFIX + name;
    }

    private static String webjarVersion(String artifact) {
        String resource = "META-INF/maven/org.webjars.npm/" + artifact + "/pom.properties";
        var props = new Properties();
        try (InputStream in = open(resource)) {
            props.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
        return props.getProperty("version");
    }

    private static byte[] read(String resource) {
        try (InputStream in = open(resource)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    private static InputStream open(String resource) {
        InputStream in = Assets.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException("the dashboard asset " + resource
                    + " is missing from the classpath; rebuild the hub (./mvnw package)");
        }
        return in;
    }

    private static String hash(byte[] bytes) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes))
                    .substring(0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
