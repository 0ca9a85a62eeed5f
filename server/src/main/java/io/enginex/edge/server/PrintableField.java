package io.enginex.edge.server;

import io.enginex.edge.protocol.Printable;

/**
 * Refuses identifiers and other fields from outside (an agent's hostname, a label, an email) that
 * break the {@link Printable} rule, with a 400 that names the field, the rule and the character.
 */
public final class PrintableField {
    private PrintableField() {}

    /**
     * Returns {@code value} (null stays null) when it has no control, format or separator character.
     *
     * @throws HubException.BadRequest {@code unprintable_field}, naming {@code field} and the character
     */
    public static String require(String value, String field) {
        String problem = Printable.problem(value);
        if (problem != null) {
            throw new HubException.BadRequest(
                    "unprintable_field",
                    field + " " + Printable.RULE + "; it " + problem + ". Send it without that character");
        }
        return value;
    }
}
