package io.enginex.edge.server.dashboard;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;

/**
 * The dashboard's JTE templates ({@code server/src/main/jte}), compiled to classes at build time by
 * the jte-maven-plugin, so the hub needs no template compiler and a broken template fails the build.
 * Output is HTML-escaped by JTE wherever a value is written. Thread-safe.
 */
final class Templates {
    private final TemplateEngine engine = TemplateEngine.createPrecompiled(ContentType.Html);

    /**
     * Renders {@code name} (e.g. {@code "fleet.jte"}, {@code "fleet/table.jte"}) with its single
     * {@code @param}.
     */
    public String render(String name, Object model) {
        var out = new StringOutput();
        engine.render(name, model, out);
        return out.toString();
    }
}
