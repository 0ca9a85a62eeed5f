package io.enginex.edge.agent.doctor;

/**
 * The result of one doctor check.
 *
 * @param id stable identifier, also the heading in docs/TROUBLESHOOTING.md (e.g. {@code dns})
 * @param detail what was found
 * @param fix what to do; empty when {@code result} is {@link Result#OK}
 */
public record Check(String id, Result result, String detail, String fix) {
    public enum Result {
        OK,
        WARN,
        FAIL,
        SKIPPED
    }

    public static Check ok(String id, String detail) {
        return new Check(id, Result.OK, detail, "");
    }

    public static Check warn(String id, String detail, String fix) {
        return new Check(id, Result.WARN, detail, fix);
    }

    public static Check fail(String id, String detail, String fix) {
        return new Check(id, Result.FAIL, detail, fix);
    }

    public static Check skipped(String id, String why) {
        return new Check(id, Result.SKIPPED, why, "");
    }
}
