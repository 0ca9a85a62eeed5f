package io.enginex.edge.server;

import java.security.SecureRandom;
import java.time.Clock;

/**
 * Makes ids such as {@code job_01jd3k8v6q2x9m4t7c5b0n1r8w}: a type prefix, then 26 characters of
 * lower-case Crockford base32 holding 48 bits of milliseconds and 80 random bits (the ULID layout),
 * so ids sort by creation time and cannot be guessed. Thread-safe.
 *
 * <p>Ids are monotonic within one generator: an id made in the same millisecond as the one before it
 * (or after the clock stepped back) keeps that millisecond and adds a random 1 to 2<sup>32</sup> to
 * the random part, so two events one thread records in one millisecond list in the order they were
 * made, and the next id still has 32 bits nobody can predict. Ids of different nodes in one
 * millisecond have no order.
 */
public final class IdGenerator {
    private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
    private static final int HIGH_LIMIT = 1 << 16;

    private final Clock clock;
    private final SecureRandom random;
    private long lastMillis = -1;
    /** The random part's top 16 bits. */
    private int high;
    /** The random part's low 64 bits. */
    private long low;

    public IdGenerator(Clock clock, SecureRandom random) {
        this.clock = clock;
        this.random = random;
    }

    /** A new id {@code prefix + "_" + 26 characters}, after every id this generator made before. */
    public String next(String prefix) {
        byte[] bytes = new byte[16];
        long millis;
        int h;
        long l;
        synchronized (this) {
            long now = clock.millis();
            if (now > lastMillis) {
                fresh(now);
            } else if (!increment()) {
                fresh(lastMillis + 1);
            }
            millis = lastMillis;
            h = high;
            l = low;
        }
        for (int i = 5; i >= 0; i--) {
            bytes[i] = (byte) millis;
            millis >>>= 8;
        }
        bytes[6] = (byte) (h >>> 8);
        bytes[7] = (byte) h;
        for (int i = 15; i >= 8; i--) {
            bytes[i] = (byte) l;
            l >>>= 8;
        }
        StringBuilder out =
                new StringBuilder(prefix.length() + 27).append(prefix).append('_');
        // 128 bits as 26 base32 digits: the first digit carries the top 3 bits.
        int bitPos = -2;
        for (int digit = 0; digit < 26; digit++) {
            int value = 0;
            for (int b = 0; b < 5; b++, bitPos++) {
                value <<= 1;
                if (bitPos >= 0 && ((bytes[bitPos / 8] >> (7 - bitPos % 8)) & 1) != 0) {
                    value |= 1;
                }
            }
            out.append(ALPHABET[value]);
        }
        return out.toString();
    }

    private void fresh(long millis) {
        lastMillis = millis;
        high = random.nextInt(HIGH_LIMIT);
        low = random.nextLong();
    }

    /** Adds a random step to the last random part; false when it would overflow its 80 bits. */
    private boolean increment() {
        long step = 1 + (random.nextInt() & 0xffffffffL);
        long sum = low + step;
        int carry = Long.compareUnsigned(sum, low) < 0 ? 1 : 0;
        if (high + carry >= HIGH_LIMIT) {
            return false;
        }
        low = sum;
        high += carry;
        return true;
    }
}
