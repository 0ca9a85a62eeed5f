package io.enginex.edge.agent.vault;

import io.enginex.edge.protocol.PolicyDocument;

/** The rule for a secret's name, shared with the policy's {@code secrets} field. */
public final class SecretNames {
    /** The prefix that makes a tool argument a reference to a secret: {@code secret:NAME}. */
    public static final String REFERENCE_PREFIX = "secret:";

    private SecretNames() {}

    /**
     * @throws IllegalArgumentException naming the rule when {@code name} breaks it
     */
    public static String check(String name) {
        if (name == null || !PolicyDocument.SECRET_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "\"" + (name == null ? "" : io.enginex.edge.protocol.Printable.escape(name))
                            + "\" is not a secret name: use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter"
                            + " or digit (e.g. erp-token)");
        }
        return name;
    }

    /** True when {@code value} is a {@code secret:NAME} reference. */
    public static boolean isReference(String value) {
        return value != null && value.startsWith(REFERENCE_PREFIX);
    }

    /** The name in a {@code secret:NAME} reference (checked). */
    public static String referenced(String value) {
        return check(value.substring(REFERENCE_PREFIX.length()));
    }

    /** What stands in for the secret's value wherever it would be shown: {@code [secret:NAME]}. */
    public static String placeholder(String name) {
        return "[" + REFERENCE_PREFIX + name + "]";
    }
}
