package io.enginex.edge.common.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.List;
import java.util.Map;

/**
 * A step's {@code when}: a tiny boolean expression over the run's input and earlier outputs, e.g.
 * {@code steps.stat.output.size > 0 && input.mode == 'full'}.
 *
 * <p>Grammar: {@code or := and ('||' and)*}, {@code and := not ('&&' not)*}, {@code not := '!' not |
 * cmp}, {@code cmp := value (('=='|'!='|'<'|'<='|'>'|'>=') value)?}, {@code value := '(' or ')' |
 * number | 'text' | "text" | true | false | null | reference}. A reference that points at nothing
 * is {@code null}. Numbers compare as numbers, text as text; {@code ==} is JSON equality. Truth:
 * false, null, 0, "" and empty lists/objects are false. No calls, no assignment, no loops: evaluating
 * only reads, and ends in time linear in the expression.
 *
 * <p>Immutable and thread-safe.
 */
public final class Condition {
    private final String text;
    private final Expr root;
    private final List<Reference> references;

    private Condition(String text, Expr root, List<Reference> references) {
        this.text = text;
        this.root = root;
        this.references = List.copyOf(references);
    }

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException saying where (character position) and what was expected
     */
    public static Condition parse(String text) {
        ConditionParser parser = new ConditionParser(text);
        Expr root = parser.parse();
        return new Condition(text, root, parser.references());
    }

    /** The references it reads. */
    public List<Reference> references() {
        return references;
    }

    /** Whether the condition holds for {@code input} and the earlier {@code outputs}. */
    public boolean test(JsonNode input, Map<String, JsonNode> outputs) {
        return truthy(root.eval(input, outputs));
    }

    @Override
    public String toString() {
        return text;
    }

    static boolean truthy(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return false;
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isNumber()) {
            return v.doubleValue() != 0;
        }
        if (v.isTextual()) {
            return !v.textValue().isEmpty();
        }
        return v.size() > 0;
    }

    /** A parsed expression. */
    sealed interface Expr {
        JsonNode eval(JsonNode input, Map<String, JsonNode> outputs);
    }

    record Literal(JsonNode value) implements Expr {
        @Override
        public JsonNode eval(JsonNode input, Map<String, JsonNode> outputs) {
            return value;
        }
    }

    record Read(Reference reference) implements Expr {
        @Override
        public JsonNode eval(JsonNode input, Map<String, JsonNode> outputs) {
            JsonNode v = reference.read(input, outputs);
            return v.isMissingNode() ? JsonNodeFactory.instance.nullNode() : v;
        }
    }

    record Not(Expr operand) implements Expr {
        @Override
        public JsonNode eval(JsonNode input, Map<String, JsonNode> outputs) {
            return JsonNodeFactory.instance.booleanNode(!truthy(operand.eval(input, outputs)));
        }
    }

    record Logic(boolean and, List<Expr> operands) implements Expr {
        @Override
        public JsonNode eval(JsonNode input, Map<String, JsonNode> outputs) {
            for (Expr e : operands) {
                boolean t = truthy(e.eval(input, outputs));
                if (and != t) {
                    return JsonNodeFactory.instance.booleanNode(t);
                }
            }
            return JsonNodeFactory.instance.booleanNode(and);
        }
    }

    record Compare(String op, Expr left, Expr right) implements Expr {
        @Override
        public JsonNode eval(JsonNode input, Map<String, JsonNode> outputs) {
            JsonNode a = left.eval(input, outputs);
            JsonNode b = right.eval(input, outputs);
            boolean result = switch (op) {
                case "==" -> same(a, b);
                case "!=" -> !same(a, b);
                default -> order(a, b);
            };
            return JsonNodeFactory.instance.booleanNode(result);
        }

        private static boolean same(JsonNode a, JsonNode b) {
            if (a.isNumber() && b.isNumber()) {
                return a.decimalValue().compareTo(b.decimalValue()) == 0;
            }
            return a.equals(b);
        }

        private boolean order(JsonNode a, JsonNode b) {
            int c;
            if (a.isNumber() && b.isNumber()) {
                c = a.decimalValue().compareTo(b.decimalValue());
            } else if (a.isTextual() && b.isTextual()) {
                c = a.textValue().compareTo(b.textValue());
            } else {
                return false; // no order between a number and text, or with null: never true
            }
            return switch (op) {
                case "<" -> c < 0;
                case "<=" -> c <= 0;
                case ">" -> c > 0;
                default -> c >= 0;
            };
        }
    }
}
