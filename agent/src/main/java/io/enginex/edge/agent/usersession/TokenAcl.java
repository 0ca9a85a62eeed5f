package io.enginex.edge.agent.usersession;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.AclEntry;
import java.nio.file.attribute.AclEntryFlag;
import java.nio.file.attribute.AclEntryPermission;
import java.nio.file.attribute.AclEntryType;
import java.nio.file.attribute.AclFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Access of the Windows session tokens ({@link TokenProof}), set with the JDK's {@link
 * AclFileAttributeView}: the folder lists nothing to users (its owner, SYSTEM and Administrators only),
 * a token file is readable by its user and otherwise by those three alone. The ACL set replaces the
 * one the file inherited: no inherited entries remain.
 *
 * <p>SYSTEM and Administrators are looked up by their English names; on a Windows whose names are
 * translated the lookup may fail, and those entries are left out (fewer readers, never more: the
 * owner, which is the service's account, keeps full access).
 */
public final class TokenAcl {
    /** What a token's user may do with it: read it, nothing else. */
    static final Set<AclEntryPermission> READ = EnumSet.of(
            AclEntryPermission.READ_DATA,
            AclEntryPermission.READ_ATTRIBUTES,
            AclEntryPermission.READ_NAMED_ATTRS,
            AclEntryPermission.READ_ACL,
            AclEntryPermission.SYNCHRONIZE);

    static final Set<AclEntryPermission> FULL = EnumSet.allOf(AclEntryPermission.class);

    private final Function<Path, AclFileAttributeView> views;
    private final UserPrincipalLookupService lookup;

    /**
     * @param views the ACL view of a path (the platform's, or a fake in tests)
     * @param lookup resolves user and group names
     */
    public TokenAcl(Function<Path, AclFileAttributeView> views, UserPrincipalLookupService lookup) {
        this.views = views;
        this.lookup = lookup;
    }

    /** The platform's: {@code Files.getFileAttributeView(path, AclFileAttributeView.class)}. */
    public static TokenAcl platform() {
        return new TokenAcl(
                path -> Files.getFileAttributeView(path, AclFileAttributeView.class),
                FileSystems.getDefault().getUserPrincipalLookupService());
    }

    /** The token folder: full access for its owner, SYSTEM and Administrators (inherited by files), nobody else. */
    public void restrictFolder(Path dir) throws IOException {
        AclFileAttributeView view = view(dir);
        List<AclEntry> entries = new ArrayList<>();
        for (UserPrincipal admin : admins(view.getOwner())) {
            entries.add(entry(admin, FULL, EnumSet.of(AclEntryFlag.FILE_INHERIT, AclEntryFlag.DIRECTORY_INHERIT)));
        }
        view.setAcl(entries);
    }

    /**
     * The account named {@code user}.
     *
     * @throws UserPrincipalNotFoundException when the system knows no such user (no token is made)
     */
    public UserPrincipal principal(String user) throws IOException {
        return lookup.lookupPrincipalByName(user);
    }

    /** A token file: read for {@code principal}, full for the owner, SYSTEM and Administrators. */
    public void restrictToken(Path file, UserPrincipal principal) throws IOException {
        AclFileAttributeView view = view(file);
        List<AclEntry> entries = new ArrayList<>();
        entries.add(entry(principal, READ, Set.of()));
        for (UserPrincipal admin : admins(view.getOwner())) {
            entries.add(entry(admin, FULL, Set.of()));
        }
        view.setAcl(entries);
    }

    private AclFileAttributeView view(Path path) throws IOException {
        AclFileAttributeView view = views.apply(path);
        if (view == null) {
            throw new IOException("the file system of " + path + " has no access control lists (NTFS needed)");
        }
        return view;
    }

    /** The owner, then SYSTEM and Administrators when the system knows them by these names. */
    private List<UserPrincipal> admins(UserPrincipal owner) {
        List<UserPrincipal> admins = new ArrayList<>(List.of(owner));
        find("NT AUTHORITY\\SYSTEM").filter(p -> !admins.contains(p)).ifPresent(admins::add);
        find("BUILTIN\\Administrators").filter(p -> !admins.contains(p)).ifPresent(admins::add);
        return admins;
    }

    private Optional<UserPrincipal> find(String name) {
        try {
            return Optional.of(lookup.lookupPrincipalByName(name));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static AclEntry entry(UserPrincipal who, Set<AclEntryPermission> permissions, Set<AclEntryFlag> flags) {
        return AclEntry.newBuilder()
                .setType(AclEntryType.ALLOW)
                .setPrincipal(who)
                .setPermissions(permissions)
                .setFlags(flags)
                .build();
    }
}
