package io.enginex.edge.server.dashboard;

import java.util.List;

/**
 * CSV (RFC 4180) that a spreadsheet opens safely: a field is quoted when it holds a comma, quote or
 * line break, and a field that starts with {@code = + - @}, a tab or a carriage return gets a leading
 * apostrophe, so Excel, LibreOffice and Google Sheets show it as text instead of running it as a
 * formula (OWASP's "CSV injection"). An agent's hostname and labels come from the agent, so they are
 * untrusted.
 */
final class Csv {
    private Csv() {}

    /** One line, CRLF-terminated. */
    static String line(List<String> fields) {
        var out = new StringBuilder();
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(field(fields.get(i)));
        }
        return out.append("\r\n").toString();
    }

    /** One field, neutralised and quoted as needed; null is empty. */
    static String field(String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        String v = value;
        char first = v.charAt(0);
        if (first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r') {
            v = "'" + v;
        }
        if (v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0) {
            return '"' + v.replace("\"", "\"\"") + '"';
        }
        return v;
    }
}
