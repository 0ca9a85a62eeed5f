package io.enginex.edge.common.graph;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;

/**
 * When a graph runs by itself: a Unix cron expression (five fields: minute, hour, day of month, month,
 * day of week, e.g. {@code 30 2 * * 1-5}), or six with seconds first ({@code 0,30 * * * * *}: every 30
 * seconds), read by cron-utils, in a time zone (an IANA name, e.g.
 * {@code Europe/Berlin}; default UTC). Times are computed in the zone, so daylight saving time is
 * handled as cron-utils does: a time that does not exist that day (skipped by a spring-forward) fires
 * at the first valid time after it, a time that exists twice (autumn) fires once.
 *
 * <p>Immutable and thread-safe.
 */
public final class Schedule {
    private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    /** Spring's six fields: seconds, then the Unix five (same ranges, names and Sunday as 0 or 7). */
    private static final CronParser WITH_SECONDS =
            new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.SPRING));

    private final String cron;
    private final ZoneId zone;
    private final ExecutionTime times;

    private Schedule(String cron, ZoneId zone, ExecutionTime times) {
        this.cron = cron;
        this.zone = zone;
        this.times = times;
    }

    /**
     * Parses a schedule.
     *
     * @param timeZone an IANA zone name, or null for UTC
     * @throws IllegalArgumentException naming what is wrong with the expression or the zone
     */
    public static Schedule parse(String cron, String timeZone) {
        ZoneId zone;
        try {
            zone = timeZone == null ? ZoneId.of("UTC") : ZoneId.of(timeZone);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException(
                    "unknown time zone \"" + timeZone + "\"; use an IANA name such as Europe/Berlin or UTC");
        }
        Cron parsed;
        try {
            parsed = (cron.strip().split("\\s+").length == 6 ? WITH_SECONDS : PARSER).parse(cron);
            parsed.validate();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("\"" + cron + "\" is not a cron expression (" + e.getMessage()
                    + "); use five fields: minute hour day-of-month month day-of-week, e.g. \"30 2 * * 1-5\","
                    + " or six with seconds first, e.g. \"*/10 * * * * *\"");
        }
        return new Schedule(cron, zone, ExecutionTime.forCron(parsed));
    }

    public String cron() {
        return cron;
    }

    public ZoneId zone() {
        return zone;
    }

    /** The first time strictly after {@code after} that the schedule fires, or empty if it never does. */
    public Optional<Instant> next(Instant after) {
        return times.nextExecution(after.atZone(zone)).map(t -> t.toInstant());
    }

    @Override
    public String toString() {
        return cron + " (" + zone + ")";
    }
}
