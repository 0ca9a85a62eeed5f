package io.enginex.edge.common.graph;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/** Recursive descent over {@link Condition}'s grammar; one use per instance. */
final class ConditionParser {
    private static final int MAX_DEPTH = 32;

    private final String text;
    private final List<Reference> references = new ArrayList<>();
    private int at;
    private int depth;

    ConditionParser(String text) {
        this.text = text;
    }

    Condition.Expr parse() {
        Condition.Expr e = or();
        skipSpace();
        if (at < text.length()) {
            throw error("unexpected \"" + text.charAt(at) + "\"");
        }
        return e;
    }

    List<Reference> references() {
        return references;
    }

    private Condition.Expr or() {
        List<Condition.Expr> operands = new ArrayList<>(List.of(and()));
        while (take("||")) {
            operands.add(and());
        }
        return operands.size() == 1 ? operands.get(0) : new Condition.Logic(false, operands);
    }

    private Condition.Expr and() {
        List<Condition.Expr> operands = new ArrayList<>(List.of(not()));
        while (take("&&")) {
            operands.add(not());
        }
        return operands.size() == 1 ? operands.get(0) : new Condition.Logic(true, operands);
    }

    private Condition.Expr not() {
        if (!peek("!=") && take("!")) {
            return nested(() -> new Condition.Not(not()));
        }
        Condition.Expr left = value();
        for (String op : List.of("==", "!=", "<=", ">=", "<", ">")) {
            if (take(op)) {
                return new Condition.Compare(op, left, value());
            }
        }
        return left;
    }

    private Condition.Expr value() {
        skipSpace();
        if (at >= text.length()) {
            throw error("expected a value");
        }
        char c = text.charAt(at);
        if (c == '(') {
            at++;
            Condition.Expr inner = nested(this::or);
            if (!take(")")) {
                throw error("expected \")\"");
            }
            return inner;
        }
        if (c == '\'' || c == '"') {
            return new Condition.Literal(JsonNodeFactory.instance.textNode(quoted(c)));
        }
        if (c == '-' || Character.isDigit(c)) {
            return new Condition.Literal(JsonNodeFactory.instance.numberNode(number()));
        }
        String word = word();
        return switch (word) {
            case "true" -> new Condition.Literal(JsonNodeFactory.instance.booleanNode(true));
            case "false" -> new Condition.Literal(JsonNodeFactory.instance.booleanNode(false));
            case "null" -> new Condition.Literal(JsonNodeFactory.instance.nullNode());
            default -> read(word);
        };
    }

    private Condition.Expr read(String word) {
        try {
            Reference reference = Reference.parse(word);
            references.add(reference);
            return new Condition.Read(reference);
        } catch (IllegalArgumentException e) {
            throw error(e.getMessage());
        }
    }

    private Condition.Expr nested(java.util.function.Supplier<Condition.Expr> inner) {
        if (++depth > MAX_DEPTH) {
            throw error("nested deeper than " + MAX_DEPTH);
        }
        try {
            return inner.get();
        } finally {
            depth--;
        }
    }

    private String quoted(char quote) {
        int start = ++at;
        while (at < text.length() && text.charAt(at) != quote) {
            at++;
        }
        if (at >= text.length()) {
            throw error("text started at " + start + " is not closed with " + quote);
        }
        return text.substring(start, at++);
    }

    private BigDecimal number() {
        int start = at;
        if (text.charAt(at) == '-') {
            at++;
        }
        while (at < text.length() && (Character.isDigit(text.charAt(at)) || text.charAt(at) == '.')) {
            at++;
        }
        try {
            return new BigDecimal(text.substring(start, at));
        } catch (NumberFormatException e) {
            throw error("\"" + text.substring(start, at) + "\" is not a number");
        }
    }

    private String word() {
        int start = at;
        while (at < text.length()) {
            char c = text.charAt(at);
            if (!(Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.')) {
                break;
            }
            at++;
        }
        if (start == at) {
            throw error("unexpected \"" + text.charAt(at) + "\"");
        }
        return text.substring(start, at);
    }

    private boolean peek(String token) {
        skipSpace();
        return text.startsWith(token, at);
    }

    private boolean take(String token) {
        if (peek(token)) {
            at += token.length();
            return true;
        }
        return false;
    }

    private void skipSpace() {
        while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
            at++;
        }
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("condition \"" + text + "\", at character " + (at + 1) + ": " + what
                + " (see docs/GRAPHS.md for the condition language)");
    }
}
