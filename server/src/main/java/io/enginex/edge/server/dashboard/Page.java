package io.enginex.edge.server.dashboard;

import java.util.List;

/**
 * What the layout template ({@code layout.jte}) needs for every page: the title, who is signed in
 * (null on the sign-in page), which navigation entry is current, and the asset URLs.
 */
public record Page(String title, Viewer viewer, String section, Assets assets, List<Nav> nav, String flash) {
    public Page {
        nav = List.copyOf(nav);
    }

    /** The same page with a one-line notice shown above the content (e.g. "Agent revoked."). */
    public Page withFlash(String message) {
        return new Page(title, viewer, section, assets, nav, message);
    }
}
