package io.enginex.edge.protocol;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The wire names of the frame types. The one list is {@link Message}'s {@code @JsonSubTypes} table (which
 * Jackson reads to decode and encode); this class reads the same table, so the set of known types and
 * the name of a frame's type cannot drift from what goes on the wire. {@code MessageTypesTest} checks
 * that the table and the sealed interface's {@code permits} list name the same records.
 */
public final class MessageTypes {
    private static final Map<Class<?>, String> NAMES = names();

    private MessageTypes() {}

    /** The wire name of {@code message}'s type, e.g. {@code "policy"} for a {@link PolicyUpdate}. */
    public static String of(Message message) {
        String name = NAMES.get(message.getClass());
        if (name == null) {
            throw new IllegalStateException(message.getClass().getName() + " is missing from Message's @JsonSubTypes");
        }
        return name;
    }

    /** Every type name this version of the protocol knows. */
    public static Set<String> known() {
        return Set.copyOf(NAMES.values());
    }

    /** Each record of the protocol with its wire name, in the table's order. */
    static Map<Class<?>, String> all() {
        return NAMES;
    }

    private static Map<Class<?>, String> names() {
        Map<Class<?>, String> names = new LinkedHashMap<>();
        for (JsonSubTypes.Type type :
                Message.class.getAnnotation(JsonSubTypes.class).value()) {
            names.put(type.value(), type.name());
        }
        return Map.copyOf(names);
    }
}
