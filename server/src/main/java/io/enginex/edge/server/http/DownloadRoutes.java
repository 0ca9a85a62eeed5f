package io.enginex.edge.server.http;

import io.enginex.edge.server.HubException;
import io.enginex.edge.server.packages.Downloads;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code GET /downloads} (the published index, JSON) and {@code GET /downloads/<path>}: the installers,
 * checksums, signatures, signing key and package repositories that {@code engine packages publish} put in
 * the data directory. Public, like a vendor's download site: no tenant data, nothing secret (registration
 * tokens are never part of it), and apt and dnf cannot send API keys. Only files inside the published tree
 * are served ({@link Downloads#file}); anything else is 404.
 */
final class DownloadRoutes {
    private final Downloads downloads;

    DownloadRoutes(Downloads downloads) {
        this.downloads = downloads;
    }

    void register(RoutesConfig routes) {
        routes.get("/downloads", ctx -> serve(ctx, "index.json"), ApiTrait.PUBLIC);
        routes.get("/downloads/<path>", ctx -> serve(ctx, ctx.pathParam("path")), ApiTrait.PUBLIC);
    }

    private void serve(Context ctx, String relative) {
        Path file = downloads.file(relative).orElse(null);
        if (file == null) {
            throw new HubException.NotFound(
                    "download_not_found",
                    "no published file /downloads/" + relative
                            + "; GET /downloads lists what is published (engine packages publish)");
        }
        try {
            ctx.header("Content-Length", Long.toString(Files.size(file)));
            ctx.header(
                    "Cache-Control",
                    relative.contains("dists/") || relative.contains("repodata/") || relative.equals("index.json")
                            ? "no-cache"
                            : "max-age=300");
            ctx.contentType(Downloads.contentType(file));
            ctx.result(Files.newInputStream(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
