package io.enginex.edge.agent.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.agent.sandbox.FileRoot;
import io.enginex.edge.agent.sandbox.FileSandbox;
import io.enginex.edge.agent.sandbox.SandboxException;
import io.enginex.edge.protocol.ToolAnnotations;
import io.enginex.edge.protocol.ToolDescriptor;
import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code fs.list}: the entries of a folder inside the root, sorted by name, at most {@link
 * #MAX_ENTRIES} of them ({@code truncated:true} says there were more). Symbolic links are shown as
 * {@code symlink} and not followed; entries a deny rule matches are left out.
 */
public final class FileListTool implements Tool {
    public static final String NAME = "fs.list";
    public static final int MAX_ENTRIES = 1000;

    private static final ToolDescriptor DESCRIPTOR = new ToolDescriptor(
            NAME,
            "List a folder",
            "Lists the files and folders in a folder inside the shared root: name, type (file, dir, symlink,"
                    + " other), size in bytes and last-modified time. At most " + MAX_ENTRIES + " entries, sorted"
                    + " by name; truncated is true when there are more.",
            Schemas.parse("""
                    {"type":"object",
                     "properties":{"path":{"type":"string","maxLength":4096,"default":".",
                       "description":"folder relative to the shared root; default the root itself"}},
                     "additionalProperties":false}
                    """),
            "low",
            null,
            ToolAnnotations.READ_ONLY);

    private final FileSandbox sandbox;

    public FileListTool(FileSandbox sandbox) {
        this.sandbox = sandbox;
    }

    @Override
    public ToolDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public JsonNode call(JsonNode args, ToolContext context) {
        String given = args.path("path").asText(".");
        try {
            FileRoot root = sandbox.rootFor(given);
            Path folder = root.resolve(given);
            List<Path> children = new ArrayList<>();
            try (DirectoryStream<Path> stream = root.openDirectory(folder, given)) {
                for (Path child : stream) {
                    if (root.isDenied(child)) {
                        continue; // secrets are not even named
                    }
                    children.add(child);
                    if (children.size() % 256 == 0) {
                        context.checkCancelled();
                    }
                }
            } catch (DirectoryIteratorException | IOException e) {
                throw new ToolException(
                        io.enginex.edge.protocol.ErrorCodes.TOOL_FAILED, "cannot list \"" + given + "\": " + e);
            }
            children.sort((a, b) ->
                    a.getFileName().toString().compareTo(b.getFileName().toString()));
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            out.put("path", given);
            ArrayNode entries = out.putArray("entries");
            for (Path child : children.subList(0, Math.min(MAX_ENTRIES, children.size()))) {
                context.checkCancelled();
                entries.add(entry(root, child));
            }
            out.put("total", children.size());
            out.put("truncated", children.size() > MAX_ENTRIES);
            return out;
        } catch (SandboxException e) {
            throw ToolException.from(e);
        }
    }

    private static ObjectNode entry(FileRoot root, Path child) {
        ObjectNode entry = JsonNodeFactory.instance.objectNode();
        entry.put("name", child.getFileName().toString());
        BasicFileAttributes attributes;
        try {
            attributes = root.attributes(child, child.getFileName().toString());
        } catch (SandboxException e) {
            // Deleted between listing and reading its attributes: still worth showing by name.
            return entry.put("type", "other");
        }
        entry.put("type", type(attributes));
        entry.put("size", attributes.size());
        entry.put("modified", attributes.lastModifiedTime().toInstant().toString());
        return entry;
    }

    private static String type(BasicFileAttributes attributes) {
        if (attributes.isSymbolicLink()) {
            return "symlink";
        }
        if (attributes.isDirectory()) {
            return "dir";
        }
        return attributes.isRegularFile() ? "file" : "other";
    }
}
