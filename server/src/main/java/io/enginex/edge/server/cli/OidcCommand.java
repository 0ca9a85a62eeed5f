package io.enginex.edge.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "oidc",
        description = {
            "Show, set and delete a tenant's single sign-on: the OpenID Connect provider its people sign in to the"
                    + " dashboard with, and which of their groups give which role (admins; a map that gives the"
                    + " owner role, owners).",
            "Register the redirect URI that `engine oidc show` prints at the provider. People then sign in at"
                    + " <hub>/ui/login?tenant=TENANT; a person is made at their first sign-in and gets the highest"
                    + " role their groups map to at each one. Passwords keep working."
        },
        mixinStandardHelpOptions = true,
        subcommands = {OidcCommand.Show.class, OidcCommand.Set.class, OidcCommand.Delete.class},
        footerHeading = "%nExamples:%n",
        footer = {
            "  engine oidc set --tenant acme --issuer https://login.acme.example/realms/acme --client-id enginex \\",
            "      --client-secret-file secret.txt --group hub-admins=admin --group it-ops=operator --group staff=viewer",
            "  engine oidc show --tenant acme",
            "  engine oidc delete --tenant acme"
        })
final class OidcCommand {
    private OidcCommand() {}

    static String path(String tenant) {
        return "/api/v1/tenants/" + tenant + "/oidc";
    }

    @Command(
            name = "show",
            description = "Print the tenant's provider, its role map, and the URIs to register at the provider.",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {"  engine oidc show --tenant acme"})
    static final class Show extends ClientCommand {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant id.")
        String tenant;

        @Override
        void run(HubClient hub) {
            JsonNode s = hub.get(path(tenant));
            if (!printedJson(s)) {
                print(this, s);
            }
        }
    }

    @Command(
            name = "set",
            description = {
                "Create or replace the tenant's single sign-on. The hub fetches the provider's discovery document"
                        + " first and refuses a provider it cannot use, naming why.",
                "The client secret is read from a file (or standard input with -), never from the command line;"
                        + " leave it out to keep the stored one (only while the issuer and client id stay the same)."
            },
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {
                "  engine oidc set --tenant acme --issuer https://login.acme.example/realms/acme --client-id enginex \\",
                "      --client-secret-file secret.txt --group hub-admins=admin --group staff=viewer",
                "  printf %s \"$SECRET\" | engine oidc set --tenant acme --issuer … --client-id enginex"
                        + " --client-secret-file - --group staff=viewer"
            })
    static final class Set extends ClientCommand {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant id.")
        String tenant;

        @Option(
                names = "--issuer",
                required = true,
                paramLabel = "URL",
                description = "The provider's issuer URL, exactly as its discovery document names it.")
        String issuer;

        @Option(
                names = "--client-id",
                required = true,
                paramLabel = "ID",
                description = "The client id the provider gave the hub.")
        String clientId;

        @Option(
                names = "--client-secret-file",
                paramLabel = "FILE",
                description = "A file holding the client secret (one line), or - for standard input.")
        String secretFile;

        @Option(
                names = "--group",
                required = true,
                paramLabel = "GROUP=ROLE",
                description = "A group (a value of the groups claim) and the role it gives: owner, admin, operator or"
                        + " viewer. Repeat for each group; a person in several gets the highest.")
        List<String> groups;

        @Option(
                names = "--groups-claim",
                paramLabel = "CLAIM",
                description = "The ID token claim listing the person's groups (default: groups).")
        String groupsClaim;

        @Option(
                names = "--scopes",
                paramLabel = "SCOPES",
                description = "Scopes to ask for, space-separated, openid among them (default: openid email profile).")
        String scopes;

        @Option(
                names = "--name",
                paramLabel = "TEXT",
                description = "The provider's name on the sign-in button (default: the issuer's host).")
        String name;

        @Override
        void run(HubClient hub) {
            Map<String, String> roles = new LinkedHashMap<>();
            for (String g : groups) {
                int eq = g.lastIndexOf('=');
                if (eq <= 0 || eq == g.length() - 1) {
                    throw new CliException("--group " + g + " must be GROUP=ROLE, e.g. --group hub-admins=admin");
                }
                roles.put(g.substring(0, eq), g.substring(eq + 1));
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("issuer", issuer);
            body.put("clientId", clientId);
            if (secretFile != null) {
                body.put("clientSecret", readSecret(secretFile));
            }
            body.put("roleMap", roles);
            if (groupsClaim != null) {
                body.put("groupsClaim", groupsClaim);
            }
            if (scopes != null) {
                body.put("scopes", scopes);
            }
            if (name != null) {
                body.put("displayName", name);
            }
            JsonNode s = hub.put(path(tenant), body);
            if (!printedJson(s)) {
                out().println("Single sign-on of tenant " + tenant + " saved.");
                print(this, s);
            }
        }

        private String readSecret(String file) {
            try {
                String text;
                if (file.equals("-")) {
                    InputStream in = System.in;
                    text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                } else {
                    text = Files.readString(Path.of(file));
                }
                String secret = text.strip();
                if (secret.isEmpty()) {
                    throw new CliException(file + " holds no client secret; put the secret the provider gave in it");
                }
                return secret;
            } catch (IOException e) {
                throw new CliException("cannot read the client secret from " + file + " ("
                        + e.getClass().getSimpleName() + "); check the path");
            }
        }
    }

    @Command(
            name = "delete",
            description = "Remove the tenant's single sign-on; its people can sign in with passwords only.",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {"  engine oidc delete --tenant acme"})
    static final class Delete extends ClientCommand {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant id.")
        String tenant;

        @Override
        void run(HubClient hub) {
            hub.delete(path(tenant));
            out().println("Single sign-on of tenant " + tenant + " removed.");
            out().flush();
        }
    }

    private static void print(ClientCommand command, JsonNode s) {
        var out = command.out();
        out.println("Provider:      " + ClientCommand.text(s, "displayName") + " (" + ClientCommand.text(s, "issuer")
                + ")");
        out.println("Client id:     " + ClientCommand.text(s, "clientId") + " (secret "
                + (s.path("clientSecretSet").asBoolean() ? "set" : "not set") + ")");
        out.println("Scopes:        " + ClientCommand.text(s, "scopes"));
        out.println("Groups claim:  " + ClientCommand.text(s, "groupsClaim"));
        out.println("Roles:");
        s.path("roleMap")
                .properties()
                .forEach(e ->
                        out.println("  " + e.getKey() + " -> " + e.getValue().asText()));
        out.println("Register at the provider:");
        out.println("  redirect URI:             " + ClientCommand.text(s, "redirectUri"));
        out.println("  post-logout redirect URI: " + ClientCommand.text(s, "postLogoutRedirectUri"));
        out.println("Sign-in link for people:    " + ClientCommand.text(s, "loginUrl"));
        String endSession = s.path("discovery").path("endSession").asText("");
        if (s.has("discovery")) {
            out.println("Logout at the provider:     "
                    + (endSession.isEmpty() ? "not offered (signing out ends the hub session only)" : endSession));
        }
        out.flush();
    }
}
