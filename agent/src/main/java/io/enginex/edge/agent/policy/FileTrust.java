package io.enginex.edge.agent.policy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.util.Locale;
import java.util.Set;

/**
 * Decides whether a machine policy file can be trusted: only the machine's administrator may be able
 * to change it, or anyone could widen what the agent does.
 *
 * <p>POSIX: the file and its folder must be owned by root (uid 0) and not writable by group or
 * others. With an explicit {@code --machine-policy} (tests, trials) the owner may instead be the user
 * running the agent; the permission rule still holds. Windows: the owner must be Administrators,
 * SYSTEM or TrustedInstaller (ACLs are not inspected further; see docs/POLICY.md).
 *
 * @param currentUser the name of the user running the agent
 */
public record FileTrust(String currentUser) {
    /** For the user running this process. */
    public static FileTrust forCurrentUser() {
        return new FileTrust(System.getProperty("user.name", ""));
    }

    /**
     * @param real the policy file's real path
     * @param explicit the file was named with {@code --machine-policy}
     * @throws PolicyException saying who can write it and what to do
     */
    public void check(Path real, boolean explicit) {
        check(real, explicit, "machine policy");
    }

    /**
     * As {@link #check(Path, boolean)} for another administrator-only file.
     *
     * @param what names the file in the message, e.g. {@code plug-in jar}
     */
    public void check(Path real, boolean explicit, String what) {
        Set<String> views = real.getFileSystem().supportedFileAttributeViews();
        if (views.contains("posix")) {
            checkPosix(real, explicit, what);
            Path parent = real.getParent();
            if (parent != null) {
                checkPosix(parent, explicit, what);
            }
        } else if (views.contains("owner")) {
            checkOwner(real, what);
        }
    }

    private void checkPosix(Path path, boolean explicit, String what) {
        PosixFileAttributes attributes;
        int uid;
        try {
            attributes = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            uid = (Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | UnsupportedOperationException e) {
            throw new PolicyException(
                    "cannot check who owns " + path + " (" + e.getClass().getSimpleName() + ")");
        }
        Set<PosixFilePermission> perms = attributes.permissions();
        if (perms.contains(PosixFilePermission.GROUP_WRITE) || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new PolicyException(what + " " + path
                    + " is writable by group or others, so anyone could widen the agent's policy;"
                    + " fix with: sudo chown root " + path + " && sudo chmod go-w " + path);
        }
        boolean owner = uid == 0 || (explicit && attributes.owner().getName().equals(currentUser));
        if (!owner) {
            throw new PolicyException(what + " " + path + " is owned by "
                    + attributes.owner().getName()
                    + ", not root, so a non-administrator could change it; fix with: sudo chown root " + path
                    + (explicit ? "" : " (or name a file you own with --machine-policy for a trial)"));
        }
    }

    private static void checkOwner(Path path, String what) {
        UserPrincipal owner;
        try {
            owner = Files.getOwner(path, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new PolicyException(
                    "cannot check who owns " + path + " (" + e.getClass().getSimpleName() + ")");
        }
        String name = owner.getName().toLowerCase(Locale.ROOT);
        if (!(name.endsWith("\\administrators") || name.endsWith("\\system") || name.endsWith("\\trustedinstaller"))) {
            throw new PolicyException(what + " " + path + " is owned by " + owner.getName()
                    + ", not Administrators or SYSTEM; an administrator must own it");
        }
    }
}
