package io.enginex.edge.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "update-pin",
        description = {
            "Show, set and clear a tenant's update pin: its agents follow another release channel, or hold at one"
                    + " version, instead of their own channel (tenant admins).",
            "A pin chooses among the releases the hub's repository signed; agents still verify every file, never"
                    + " go below the version they run and never take one they rolled back. Connected agents check"
                    + " at once."
        },
        mixinStandardHelpOptions = true,
        subcommands = {UpdatePinCommand.Show.class, UpdatePinCommand.Set.class, UpdatePinCommand.Clear.class},
        footerHeading = "%nExamples:%n",
        footer = {
            "  engine update-pin set --tenant acme --channel beta",
            "  engine update-pin set --tenant acme --version 1.4.0",
            "  engine update-pin show --tenant acme",
            "  engine update-pin clear --tenant acme"
        })
final class UpdatePinCommand {
    private UpdatePinCommand() {}

    static void print(ClientCommand command, JsonNode pin) {
        if (!pin.path("pinned").asBoolean()) {
            command.out()
                    .println("Tenant " + ClientCommand.text(pin, "tenant")
                            + " has no update pin: its agents follow their own channel.");
        } else {
            String what = pin.hasNonNull("channel")
                    ? "follow channel " + ClientCommand.text(pin, "channel")
                    : "hold at version " + ClientCommand.text(pin, "version");
            command.out()
                    .println("Tenant " + ClientCommand.text(pin, "tenant") + "'s agents " + what + " (set by "
                            + ClientCommand.text(pin, "setBy") + " at " + ClientCommand.text(pin, "setAt") + ").");
        }
        if (pin.hasNonNull("reached")) {
            command.out()
                    .println("Sent to " + pin.path("reached").asInt()
                            + " connected agent(s) on this hub node; the other nodes send it to theirs.");
        }
        command.out().flush();
    }

    @Command(
            name = "show",
            description = "Print the tenant's update pin.",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {"  engine update-pin show --tenant acme"})
    static final class Show extends ClientCommand {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant id.")
        String tenant;

        @Override
        void run(HubClient hub) {
            JsonNode pin = hub.get("/api/v1/tenants/" + tenant + "/update-pin");
            if (!printedJson(pin)) {
                print(this, pin);
            }
        }
    }

    /** Exactly one of --channel and --version. */
    static final class Target {
        @Option(names = "--channel", required = true, paramLabel = "NAME", description = "The channel to follow.")
        String channel;

        @Option(
                names = "--version",
                required = true,
                paramLabel = "VERSION",
                description = "The published version to hold at.")
        String version;
    }

    @Command(
            name = "set",
            description = "Pin the tenant's agents to a channel or a version, replacing any pin.",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {
                "  engine update-pin set --tenant acme --channel beta",
                "  engine update-pin set --tenant acme --version 1.4.0"
            })
    static final class Set extends ClientCommand {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant id.")
        String tenant;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Target target;

        @Override
        void run(HubClient hub) {
            Map<String, Object> body = new LinkedHashMap<>();
            if (target.channel != null) {
                body.put("channel", target.channel);
            } else {
                body.put("version", target.version);
            }
            JsonNode pin = hub.post("/api/v1/tenants/" + tenant + "/update-pin", body);
            if (!printedJson(pin)) {
                print(this, pin);
            }
        }
    }

    @Command(
            name = "clear",
            description = "Remove the tenant's pin: its agents follow their own channel again.",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {"  engine update-pin clear --tenant acme"})
    static final class Clear extends ClientCommand {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant id.")
        String tenant;

        @Override
        void run(HubClient hub) {
            JsonNode pin = hub.delete("/api/v1/tenants/" + tenant + "/update-pin");
            if (!printedJson(pin)) {
                print(this, pin);
            }
        }
    }
}
