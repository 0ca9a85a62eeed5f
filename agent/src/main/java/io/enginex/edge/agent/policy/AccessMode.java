package io.enginex.edge.agent.policy;

import java.util.Locale;

/** What a root allows: {@code READ}, or {@code WRITE} (which includes reading). */
public enum AccessMode {
    READ,
    WRITE;

    /** The narrower of two modes. */
    public AccessMode min(AccessMode other) {
        return this == READ || other == READ ? READ : WRITE;
    }

    /** As written in policy files: {@code read} or {@code write}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @throws PolicyException for anything but {@code read} or {@code write}
     */
    public static AccessMode parse(String text, String where) {
        return switch (text == null ? "" : text.toLowerCase(Locale.ROOT)) {
            case "read" -> READ;
            case "write" -> WRITE;
            default -> throw new PolicyException(where + ": mode must be \"read\" or \"write\", got \"" + text + "\"");
        };
    }
}
