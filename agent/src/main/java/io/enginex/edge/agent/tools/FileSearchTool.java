package io.enginex.edge.agent.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.agent.sandbox.FileRoot;
import io.enginex.edge.agent.sandbox.FileSandbox;
import io.enginex.edge.agent.sandbox.SandboxException;
import io.enginex.edge.protocol.ErrorCodes;
import io.enginex.edge.protocol.ToolAnnotations;
import io.enginex.edge.protocol.ToolDescriptor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.Channels;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;

/**
 * {@code fs.search}: files under a folder whose name matches a glob and, optionally, whose text
 * contains a string (line and line number reported). Links are not followed, denied paths are
 * skipped unseen, and the walk stops at the policy's file cap, {@code maxResults}, or the deadline.
 * Reports progress every {@link #PROGRESS_EVERY} files.
 */
public final class FileSearchTool implements Tool {
    public static final String NAME = "fs.search";
    static final int PROGRESS_EVERY = 500;
    static final long MAX_CONTENT_FILE_BYTES = 8L << 20;

    private static final ToolDescriptor DESCRIPTOR = new ToolDescriptor(
            NAME,
            "Search files",
            "Finds files under a folder of the shared root whose name matches a glob (e.g. *.csv, default *) and,"
                    + " with contains, whose UTF-8 text contains that string (caseSensitive false by default)."
                    + " Returns up to maxResults matches; truncated is true when the search stopped early.",
            Schemas.parse("""
                    {"type":"object","properties":{
                       "path":{"type":"string","maxLength":4096,"default":"."},
                       "name":{"type":"string","minLength":1,"maxLength":256,"default":"*"},
                       "contains":{"type":"string","minLength":1,"maxLength":1024},
                       "caseSensitive":{"type":"boolean","default":false},
                       "maxResults":{"type":"integer","minimum":1,"maximum":1000,"default":100}},
                     "additionalProperties":false}
                    """),
            "low",
            Schemas.parse("""
                    {"type":"object","properties":{"matches":{"type":"array"},"filesVisited":{"type":"integer"},
                     "truncated":{"type":"boolean"}}}
                    """),
            ToolAnnotations.READ_ONLY);

    private final FileSandbox sandbox;

    public FileSearchTool(FileSandbox sandbox) {
        this.sandbox = sandbox;
    }

    @Override
    public ToolDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public JsonNode call(JsonNode args, ToolContext context) {
        String given = args.path("path").asText(".");
        int maxResults = args.path("maxResults").asInt(100);
        boolean caseSensitive = args.path("caseSensitive").asBoolean(false);
        String contains = args.hasNonNull("contains") ? args.get("contains").asText() : null;
        String needle = contains == null || caseSensitive ? contains : contains.toLowerCase(Locale.ROOT);
        try {
            FileRoot root = sandbox.rootFor(given);
            Path start = root.resolve(given);
            PathMatcher names;
            try {
                names = start.getFileSystem()
                        .getPathMatcher("glob:" + args.path("name").asText("*"));
            } catch (RuntimeException e) {
                throw new ToolException(ErrorCodes.INVALID_ARGUMENTS, "name is not a valid glob: " + e.getMessage());
            }
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            ArrayNode matches = out.putArray("matches");
            int maxFiles = root.limits().maxSearchFiles();
            int[] visited = {0};
            boolean[] truncated = {false};
            Files.walkFileTree(start, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    return root.isDenied(dir) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (!attrs.isRegularFile() || root.isDenied(file)) {
                        return FileVisitResult.CONTINUE;
                    }
                    if (++visited[0] % PROGRESS_EVERY == 0) {
                        context.checkCancelled();
                        context.progress("searched " + visited[0] + " files", null);
                    }
                    if (visited[0] > maxFiles || matches.size() >= maxResults) {
                        truncated[0] = true;
                        return FileVisitResult.TERMINATE;
                    }
                    if (!names.matches(file.getFileName())) {
                        return FileVisitResult.CONTINUE;
                    }
                    if (!insideAfterAll(root, file)) {
                        return FileVisitResult.CONTINUE; // a folder became a link out during the walk
                    }
                    String relative = root.path().relativize(file).toString();
                    if (needle == null) {
                        matches.addObject().put("path", relative).put("size", attrs.size());
                    } else if (attrs.size() <= MAX_CONTENT_FILE_BYTES) {
                        searchContent(root, relative, needle, caseSensitive, matches, context);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE; // unreadable: skipped, like a person's search would
                }
            });
            out.put("filesVisited", Math.min(visited[0], maxFiles));
            out.put("truncated", truncated[0]);
            return out;
        } catch (SandboxException e) {
            throw ToolException.from(e);
        } catch (IOException e) {
            throw new ToolException(
                    ErrorCodes.TOOL_FAILED,
                    "cannot search \"" + given + "\": " + e.getClass().getSimpleName());
        }
    }

    private static boolean insideAfterAll(FileRoot root, Path file) {
        try {
            return file.getParent().toRealPath().startsWith(root.path());
        } catch (IOException e) {
            return false;
        }
    }

    private static void searchContent(
            FileRoot root,
            String relative,
            String needle,
            boolean caseSensitive,
            ArrayNode matches,
            ToolContext context) {
        try (FileRoot.OpenFile file = root.openForRead(relative);
                BufferedReader reader = new BufferedReader(new InputStreamReader(
                        Channels.newInputStream(file.channel()),
                        StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)))) {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                String hay = caseSensitive ? line : line.toLowerCase(Locale.ROOT);
                if (hay.contains(needle)) {
                    matches.addObject()
                            .put("path", relative)
                            .put("line", number)
                            .put("text", line.length() > 500 ? line.substring(0, 500) : line);
                    return; // one match per file keeps results spread
                }
                if (number % 10_000 == 0) {
                    context.checkCancelled();
                }
            }
        } catch (SandboxException | IOException e) {
            // Refused (hard link, cap) or binary: not a match.
        }
    }
}
