package io.enginex.edge.agent.tools;

import io.enginex.edge.agent.policy.FileTrust;
import io.enginex.edge.agent.policy.PolicyException;
import io.enginex.edge.protocol.ToolDescriptor;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds a company's own tools: every {@code *.jar} in an administrator-owned plug-ins folder is
 * loaded in its own class loader, and the {@link Tool} implementations it names in {@code
 * META-INF/services/io.enginex.edge.agent.tools.Tool} are instantiated ({@link ServiceLoader}; each
 * needs a public no-argument constructor).
 *
 * <p>The folder and every jar must pass {@link FileTrust}, the machine policy file's rule: only the
 * machine's administrator may be able to change them, because a plug-in runs with the agent's
 * rights. Plug-in tools are then treated like built-ins: offered only when the effective policy
 * names them (default deny), arguments checked against their schema, every call audited and counted
 * against the concurrency caps.
 *
 * <p>A broken jar (unreadable, untrusted, a class that fails to load or construct, a bad descriptor
 * or schema, a name already taken) is left out with a {@link Problem} naming the jar; it never stops
 * the agent.
 */
public final class PluginTools {
    private static final Logger log = LoggerFactory.getLogger(PluginTools.class);

    /** A plug-in tool and the jar it came from. */
    public record Plugin(Tool tool, Path jar) {}

    /** Why (part of) a jar was left out. */
    public record Problem(Path jar, String message) {}

    /** What {@link #load} found. */
    public record Loaded(List<Plugin> plugins, List<Problem> problems) {
        public static final Loaded NONE = new Loaded(List.of(), List.of());

        public Loaded {
            plugins = List.copyOf(plugins);
            problems = List.copyOf(problems);
        }

        public List<Tool> tools() {
            return plugins.stream().map(Plugin::tool).toList();
        }
    }

    private PluginTools() {}

    /**
     * Loads the plug-ins in {@code folder}.
     *
     * @param explicit the folder was named on the command line ({@link FileTrust} then also accepts
     *     the user running the agent as owner)
     * @param taken tool names already offered (the built-ins); a plug-in may not reuse one
     * @return the loaded tools and the problems, never throwing for a bad jar
     */
    public static Loaded load(Path folder, boolean explicit, FileTrust trust, Collection<String> taken) {
        if (folder == null || !Files.isDirectory(folder)) {
            if (explicit) {
                return new Loaded(
                        List.of(), List.of(new Problem(folder, "plug-in folder " + folder + " is not a folder")));
            }
            return Loaded.NONE;
        }
        List<Plugin> plugins = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        Set<String> names = new HashSet<>(taken);
        List<Path> jars = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder, "*.jar")) {
            entries.forEach(jars::add);
        } catch (IOException e) {
            return problem(
                    folder,
                    "cannot list plug-in folder " + folder + " (" + e.getClass().getSimpleName() + ")");
        }
        jars.sort(null);
        for (Path jar : jars) {
            loadJar(jar, explicit, trust, names, plugins, problems);
        }
        problems.forEach(p -> log.atError().addKeyValue("jar", p.jar()).log(p.message()));
        plugins.forEach(p -> log.atInfo()
                .addKeyValue("jar", p.jar())
                .addKeyValue("tool", p.tool().descriptor().name())
                .log("plug-in tool loaded"));
        return new Loaded(plugins, problems);
    }

    private static void loadJar(
            Path jar,
            boolean explicit,
            FileTrust trust,
            Set<String> names,
            List<Plugin> plugins,
            List<Problem> problems) {
        Path real;
        try {
            real = jar.toRealPath();
            trust.check(real, explicit, "plug-in jar");
        } catch (IOException e) {
            problems.add(new Problem(
                    jar,
                    "plug-in jar " + jar + " cannot be read (" + e.getClass().getSimpleName()
                            + "); its tools are not offered"));
            return;
        } catch (PolicyException e) {
            problems.add(new Problem(jar, e.getMessage() + "; its tools are not offered"));
            return;
        }
        URLClassLoader loader;
        try {
            loader = new URLClassLoader(
                    "plugin-" + jar.getFileName(), new URL[] {real.toUri().toURL()}, Tool.class.getClassLoader());
        } catch (MalformedURLException e) {
            problems.add(new Problem(jar, "plug-in jar " + jar + " has no usable path; its tools are not offered"));
            return;
        }
        Map<String, Tool> found = new LinkedHashMap<>();
        try {
            for (ServiceLoader.Provider<Tool> provider :
                    ServiceLoader.load(Tool.class, loader).stream().toList()) {
                instantiate(jar, loader, provider, names, found, problems);
            }
        } catch (ServiceConfigurationError | LinkageError e) {
            problems.add(new Problem(
                    jar,
                    "plug-in jar " + jar + " cannot be loaded (" + describe(e)
                            + "); fix or remove the jar. Its tools are not offered"));
        }
        if (found.isEmpty()) {
            if (problems.stream().noneMatch(p -> p.jar().equals(jar))) {
                problems.add(new Problem(
                        jar,
                        "plug-in jar " + jar + " declares no tools; list your Tool classes in" + " META-INF/services/"
                                + Tool.class.getName()));
            }
            closeQuietly(loader);
            return;
        }
        found.values().forEach(t -> plugins.add(new Plugin(t, jar)));
    }

    private static void instantiate(
            Path jar,
            ClassLoader loader,
            ServiceLoader.Provider<Tool> provider,
            Set<String> names,
            Map<String, Tool> found,
            List<Problem> problems) {
        if (provider.type().getClassLoader() != loader) {
            return; // on the agent's own class path, not this jar's
        }
        String type = provider.type().getName();
        try {
            Tool tool = provider.get();
            ToolDescriptor descriptor = tool.descriptor();
            if (descriptor == null) {
                throw new IllegalArgumentException("its descriptor() returned null");
            }
            ToolRegistry.checkSchema(descriptor);
            if (!names.add(descriptor.name())) {
                problems.add(new Problem(
                        jar,
                        "plug-in jar " + jar + ": tool " + type + " is named " + descriptor.name()
                                + ", which another tool already has; rename it"));
                return;
            }
            found.put(descriptor.name(), tool);
        } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
            problems.add(new Problem(
                    jar,
                    "plug-in jar " + jar + ": tool " + type + " cannot be used (" + describe(e)
                            + "); fix or remove the jar"));
        }
    }

    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    private static Loaded problem(Path jar, String message) {
        log.atError().addKeyValue("jar", jar).log(message);
        return new Loaded(List.of(), List.of(new Problem(jar, message)));
    }

    private static void closeQuietly(URLClassLoader loader) {
        try {
            loader.close();
        } catch (IOException e) {
            // nothing was loaded from it
        }
    }
}
