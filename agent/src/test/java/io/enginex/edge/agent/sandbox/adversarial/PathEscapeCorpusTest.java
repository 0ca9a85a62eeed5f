package io.enginex.edge.agent.sandbox.adversarial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.agent.sandbox.FileRoot;
import io.enginex.edge.agent.tools.ToolException;
import io.enginex.edge.protocol.ErrorCodes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hostile-path corpus: every case is one path string against one file tool operation, through
 * the real tool registry. Each must be refused with a typed code ({@code path_outside_root}, {@code
 * invalid_arguments} or {@code blocked_by_policy}), the message must carry no canary content, and the
 * canary tree outside the root must be byte-for-byte unchanged afterwards.
 *
 * <p>A path that is absolute and outside is written with the prefix {@code OUT:} and completed with
 * the canary folder of the test at hand.
 */
class PathEscapeCorpusTest {
    private static final Set<String> REFUSALS =
            Set.of(ErrorCodes.PATH_OUTSIDE_ROOT, ErrorCodes.INVALID_ARGUMENTS, ErrorCodes.BLOCKED_BY_POLICY);

    /** The file tool operations a path can be given to. */
    enum Op {
        READ(p -> call("fs.read", Sandboxes.args().put("path", p))),
        LIST(p -> call("fs.list", Sandboxes.args().put("path", p))),
        STAT(p -> call("fs.stat", Sandboxes.args().put("path", p))),
        SEARCH(p -> call("fs.search", Sandboxes.args().put("path", p).put("contains", "CANARY"))),
        WRITE(p -> call(
                "fs.write",
                Sandboxes.args().put("path", p).put("content", "pwned").put("mode", "overwrite"))),
        APPEND(p -> call(
                "fs.write",
                Sandboxes.args().put("path", p).put("content", "pwned").put("mode", "append"))),
        MKDIR(p -> call("fs.mkdir", Sandboxes.args().put("path", p).put("parents", true))),
        DELETE(p -> call("fs.delete", Sandboxes.args().put("path", p).put("recursive", true))),
        MOVE_FROM(p -> call("fs.move", Sandboxes.args().put("from", p).put("to", "moved"))),
        MOVE_TO(p -> call(
                "fs.move",
                Sandboxes.args().put("from", "hello.txt").put("to", p).put("overwrite", true)));

        final Function<String, Call> call;

        Op(Function<String, Call> call) {
            this.call = call;
        }

        private static Call call(String tool, ObjectNode args) {
            return new Call(tool, args);
        }
    }

    record Call(String tool, ObjectNode args) {}

    private static final Set<Op> ALL = EnumSet.allOf(Op.class);
    /** Ops that follow a link at the last name (or refuse to write through it). */
    private static final Set<Op> FOLLOWING =
            EnumSet.of(Op.READ, Op.LIST, Op.STAT, Op.SEARCH, Op.WRITE, Op.APPEND, Op.MKDIR);

    @TempDir
    Path temp;

    static Stream<Arguments> corpus() {
        List<Arguments> cases = new ArrayList<>();
        // `..` escapes, before anything is touched
        add(
                cases,
                ALL,
                "../outside/secret.txt",
                "../../etc/passwd",
                "..",
                "../",
                "../outside",
                "docs/../../outside/secret.txt",
                "./../outside/passwd",
                "docs/../../../",
                "..//outside/secret.txt",
                "docs/./../../outside/sub/deep.txt",
                "../".repeat(40) + "etc/passwd",
                "docs/../..",
                "../root-evil");
        // absolute paths outside
        add(
                cases,
                ALL,
                "OUT:secret.txt",
                "OUT:sub/deep.txt",
                "OUT:",
                "/etc/passwd",
                "/etc/shadow",
                "/",
                "/proc/self/environ",
                "/proc/self/fd/0",
                "/dev/zero",
                "/root/.ssh/id_rsa",
                "OUT:new.txt",
                "OUT:sub/new-dir");
        // links inside the root that lead out, as the last name (followed, or written through)
        add(cases, FOLLOWING, "link-file", "link-dir", "link-rel", "link-dangling", "link-chain", "link-root");
        // links on the way
        add(
                cases,
                ALL,
                "link-dir/secret.txt",
                "link-dir/sub/deep.txt",
                "link-dir/sub",
                "link-chain/secret.txt",
                "docs/up/outside/secret.txt",
                "link-root/etc/passwd",
                "link-dir/new.txt",
                "link-dir/sub/new-dir",
                "docs/up/outside",
                "link-dir/not-there/x",
                "docs/up/outside/not-there");
        // hard link to an outside file
        add(cases, EnumSet.of(Op.READ, Op.WRITE, Op.APPEND), "hard-link");
        // NUL and control characters
        add(
                cases,
                ALL,
                "hello.txt\0",
                "\0",
                "docs/\0../outside",
                "../outside/secret.txt\0.txt",
                "hello\n.txt",
                "docs/a\u001b[31m.txt",
                "docs/\r",
                "\u007f");
        // Windows forms, refused on every OS
        add(
                cases,
                ALL,
                "..\\outside\\secret.txt",
                "\\\\server\\share\\x",
                "\\\\?\\C:\\Windows",
                "\\\\.\\PhysicalDrive0",
                "C:\\Windows\\win.ini",
                "C:/Windows/win.ini",
                "c:",
                "hello.txt:stream",
                "hello.txt::$DATA",
                "docs:hidden",
                "CON",
                "con.txt",
                "NUL",
                "nul.csv",
                "COM1",
                "LPT1",
                "AUX",
                "PRN",
                "CONIN$",
                "docs/COM9.log",
                "docs/lpt3",
                "Con .txt",
                "PROGRA~1",
                "docs/SECRET~1.TXT",
                "hello.txt.",
                "hello.txt ",
                "docs./a.txt",
                "docs /a.txt",
                "//server/share/file",
                "//etc/passwd",
                "docs\\..\\..\\outside");
        // very long paths and names
        add(cases, ALL, "a/".repeat(2100), "x".repeat(300), "docs/" + "y".repeat(256));
        // secrets denied by default (inside the root, any case)
        add(
                cases,
                ALL,
                ".ssh/id_rsa",
                ".SSH/ID_RSA",
                ".ssh",
                ".env",
                ".ENV",
                "docs/../.ssh/id_rsa",
                ".ssh/../.ssh/id_rsa",
                "docs/id_ed25519",
                "docs/server.pem",
                "docs/.aws/credentials",
                "docs/.env.production",
                "docs/Library/Keychains/login.keychain-db",
                "docs/.mozilla/firefox/profiles.ini",
                "docs/.config/google-chrome/Default/Cookies",
                "docs/.kube/config",
                "docs/.git-credentials");
        return cases.stream();
    }

    private static void add(List<Arguments> cases, Set<Op> ops, String... paths) {
        for (String path : paths) {
            for (Op op : ops) {
                String shown = path.length() > 60 ? path.substring(0, 60) + "…(" + path.length() + ")" : path;
                cases.add(Arguments.of(op, Named.of(shown.replace("\0", "\\0"), path)));
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("corpus")
    void isRefusedAndNothingOutsideIsTouched(Op op, String path) throws Exception {
        Sandboxes box = new Sandboxes(temp, FileRoot.NONE);
        String given = path.startsWith("OUT:")
                ? box.canary.dir().resolve(path.substring(4)).toString()
                : path;
        Call call = op.call.apply(given);

        ToolException refusal = catchThrowableOfType(ToolException.class, () -> box.call(call.tool(), call.args()));

        assertThat(refusal).as("%s %s must be refused", op, given).isNotNull();
        assertThat(refusal.code()).as(refusal.getMessage()).isIn(REFUSALS);
        CanaryTree.assertNotLeaked(refusal.getMessage());
        box.canary.assertUnchanged();
    }
}
