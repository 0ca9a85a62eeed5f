package io.enginex.edge.server;

import java.security.SecureRandom;
import java.time.Clock;

/**
 * Makes ids such as {@code job_01jd3k8v6q2x9m4t7c5b0n1r8w}: a type prefix, then 26 characters of
 * lower-case Crockford base32 holding 48 bits of milliseconds and 80 random bits (the ULID layout),
 * so ids sort by creation time and cannot be guessed. Thread-safe.
 */
public final class IdGenerator {
    private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();

    private final Clock clock;
    private final SecureRandom random;

    public IdGenerator(Clock clock, SecureRandom random) {
        this.clock = clock;
        this.random = random;
    }

    /** A new id {@code prefix + "_" + 26 characters}. */
    public String next(String prefix) {
        byte[] bytes = new byte[16];
        long millis = clock.millis();
        for (int i = 5; i >= 0; i--) {
            bytes[i] = (byte) millis;
            millis >>>= 8;
        }
        byte[] tail = new byte[10];
        random.nextBytes(tail);
        System.arraycopy(tail, 0, bytes, 6, 10);
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
}
