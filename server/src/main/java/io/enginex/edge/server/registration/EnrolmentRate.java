package io.enginex.edge.server.registration;

import io.enginex.edge.server.HubException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An enrolment budget: how many agents may enrol per minute from one source address with one
 * registration token, written {@code 200/min}. A token may carry one ({@code engine tokens create
 * --rate-limit}), a tenant may ({@code engine tenants update --enrolment-rate-limit}), and the hub has
 * a default ({@code engine serve --enrolment-rate-limit}); the most specific one set applies.
 */
public final class EnrolmentRate {
    /** The hub's default when {@code engine serve} is not told otherwise. */
    public static final int DEFAULT_PER_MINUTE = 10;

    /** The largest budget accepted; a token's use count bounds what it can enrol anyway. */
    public static final int MAX_PER_MINUTE = 100_000;

    private static final Pattern TEXT = Pattern.compile("\\s*(\\d{1,9})\\s*(?:/\\s*(?:min|minute|m))?\\s*");

    private EnrolmentRate() {}

    /**
     * Reads {@code 200/min} (or a bare {@code 200}, per minute).
     *
     * @param setting the option or field it came from, named in the error
     * @throws HubException.BadRequest if it is not a whole number per minute in range
     */
    public static int parse(String text, String setting) {
        Matcher m = TEXT.matcher(text == null ? "" : text);
        if (!m.matches()) {
            throw new HubException.BadRequest(setting + " is a number of enrolments per minute like 200/min; got "
                    + (text == null ? "nothing" : '"' + text + '"'));
        }
        return check(Long.parseLong(m.group(1)), setting);
    }

    /**
     * Checks a budget given as a number per minute.
     *
     * @throws HubException.BadRequest if it is below 1 or above {@link #MAX_PER_MINUTE}
     */
    public static int check(long perMinute, String setting) {
        if (perMinute < 1 || perMinute > MAX_PER_MINUTE) {
            throw new HubException.BadRequest(
                    setting + " must be between 1/min and " + MAX_PER_MINUTE + "/min; got " + perMinute + "/min");
        }
        return (int) perMinute;
    }

    /** {@code 200/min}. */
    public static String format(int perMinute) {
        return perMinute + "/min";
    }
}
