package io.enginex.edge.agent.policy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A command {@code exec} may run: a fixed argument vector in which {@code {name}} placeholders are
 * filled with parameters that match their rule. No shell is involved, so a parameter is always one
 * argument whatever it contains.
 *
 * @param name what the hub calls it, e.g. {@code erp-export}
 * @param argv program (absolute path) and arguments, with whole-argument placeholders {@code {p}}
 * @param params each placeholder's rule
 * @param workdir folder the command runs in; must lie inside a root of the effective policy
 * @param timeout the process tree is killed after this
 * @param approvalRequired a person must approve each run on the hub
 * @param source where the template came from
 * @param env environment variables a job may set for the command, each only to a vault secret the
 *     policy grants ({@code "env": {"API_TOKEN": "secret:erp-token"}} in the job's arguments)
 */
public record CommandTemplate(
        String name,
        List<String> argv,
        Map<String, Param> params,
        String workdir,
        Duration timeout,
        boolean approvalRequired,
        String source,
        List<String> env) {
    public CommandTemplate {
        env = List.copyOf(env);
        Objects.requireNonNull(name, "name");
        argv = List.copyOf(argv);
        params = Map.copyOf(params);
        if (argv.isEmpty()) {
            throw new PolicyException(source + ": command " + name + " has an empty argv");
        }
        for (String arg : argv) {
            if (arg.startsWith("{") && arg.endsWith("}") && !params.containsKey(arg.substring(1, arg.length() - 1))) {
                throw new PolicyException(
                        source + ": command " + name + " uses " + arg + " but declares no parameter of that name");
            }
        }
    }

    /** A template whose command gets no variable from the job. */
    public CommandTemplate(
            String name,
            List<String> argv,
            Map<String, Param> params,
            String workdir,
            Duration timeout,
            boolean approvalRequired,
            String source) {
        this(name, argv, params, workdir, timeout, approvalRequired, source, List.of());
    }

    /**
     * A parameter's rule: its value must match {@code pattern} in full, or be one of {@code values}.
     *
     * @param pattern regular expression the whole value must match, or null
     * @param values the allowed values, or empty
     */
    public record Param(Pattern pattern, List<String> values) {
        public Param {
            values = List.copyOf(values);
            if (pattern == null && values.isEmpty()) {
                throw new PolicyException("a command parameter needs a pattern or a list of values");
            }
        }

        /** True when {@code value} satisfies the rule. */
        public boolean accepts(String value) {
            return value != null
                    && value.indexOf('\0') < 0
                    && (values.isEmpty() ? pattern.matcher(value).matches() : values.contains(value));
        }
    }
}
