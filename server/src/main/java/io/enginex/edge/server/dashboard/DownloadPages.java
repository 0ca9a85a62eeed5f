package io.enginex.edge.server.dashboard;

import io.enginex.edge.server.auth.Role;
import io.enginex.edge.server.packages.Downloads;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code GET /ui/downloads}: the installers published to this hub ({@code engine packages publish}) with
 * their SHA-256 and signatures, the package signing key's fingerprint, and the silent-install commands
 * for each OS with {@code <token>} in place of a registration token; the button makes a token of this
 * tenant (as the Registration page does) and shows the same commands with it filled in. Operators and up,
 * as registration tokens are.
 */
public final class DownloadPages implements PageGroup {
    static final String TOKEN_PLACEHOLDER = "<token>";

    private final Downloads downloads;
    private final Supplier<String> baseUrl;
    private final String packageVersion;
    private final String pin;

    DownloadPages(Downloads downloads, Supplier<String> baseUrl, String version, String pin) {
        this.downloads = downloads;
        this.baseUrl = baseUrl;
        this.packageVersion = InstallCommands.packageVersion(version);
        this.pin = pin;
    }

    /**
     * The page's model.
     *
     * @param index what is published, or null when nothing is
     * @param ways the install commands with {@link #TOKEN_PLACEHOLDER}
     */
    public record DownloadsView(
            Page page,
            Downloads.Index index,
            String base,
            List<InstallCommands.Way> ways,
            List<RegistrationPages.Choice> ttls) {}

    @Override
    public void register(Pages pages) {
        pages.get("/ui/downloads", Role.OPERATOR, (ctx, viewer) -> {
            var index = downloads.index().orElse(null);
            var ways = new InstallCommands(baseUrl.get(), TOKEN_PLACEHOLDER, pin, packageVersion, index).ways();
            pages.render(
                    ctx,
                    "downloads.jte",
                    new DownloadsView(
                            pages.page("Downloads", viewer, "downloads"),
                            index,
                            baseUrl.get() + "/downloads",
                            ways,
                            RegistrationPages.TTLS));
        });
    }
}
