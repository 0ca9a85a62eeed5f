package io.enginex.edge.common.update;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A release's version: {@code MAJOR.MINOR.PATCH} with an optional pre-release ({@code 1.4.0-rc.1}),
 * ordered as Semantic Versioning orders them (a pre-release before its release; pre-release parts
 * compared numerically when both are numbers, else as text).
 */
public record ReleaseVersion(int major, int minor, int patch, String preRelease) implements Comparable<ReleaseVersion> {
    private static final Pattern FORM = Pattern.compile(
            "(0|[1-9]\\d{0,8})\\.(0|[1-9]\\d{0,8})\\.(0|[1-9]\\d{0,8})(?:-([0-9A-Za-z]+(?:\\.[0-9A-Za-z]+)*))?");

    public static ReleaseVersion parse(String text) {
        Matcher m = text == null ? null : FORM.matcher(text);
        if (m == null || !m.matches() || text.length() > 64) {
            throw new IllegalArgumentException(
                    "version \"" + text + "\" is not MAJOR.MINOR.PATCH[-PRERELEASE] (e.g. 1.4.0 or 1.4.0-rc.1)");
        }
        return new ReleaseVersion(
                Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), m.group(4));
    }

    public static boolean valid(String text) {
        try {
            parse(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public int compareTo(ReleaseVersion o) {
        int c = Integer.compare(major, o.major);
        c = c != 0 ? c : Integer.compare(minor, o.minor);
        c = c != 0 ? c : Integer.compare(patch, o.patch);
        if (c != 0) {
            return c;
        }
        if (preRelease == null || o.preRelease == null) {
            return preRelease == null ? (o.preRelease == null ? 0 : 1) : -1;
        }
        String[] a = preRelease.split("\\.");
        String[] b = o.preRelease.split("\\.");
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            boolean an = a[i].matches("\\d+");
            boolean bn = b[i].matches("\\d+");
            int d = an && bn
                    ? Long.compare(Long.parseLong(a[i]), Long.parseLong(b[i]))
                    : an ? -1 : bn ? 1 : a[i].compareTo(b[i]);
            if (d != 0) {
                return d;
            }
        }
        return Integer.compare(a.length, b.length);
    }

    public boolean newerThan(ReleaseVersion o) {
        return compareTo(o) > 0;
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch + (preRelease == null ? "" : "-" + preRelease);
    }
}
