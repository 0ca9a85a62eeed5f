package io.enginex.edge.server.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.protocol.TenantPolicy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The agent page's policy card: the effective policy the agent last reported in its {@code
 * advertise} frame (the tenant policies that apply to it narrowed by the machine's own policy, each
 * rule with its source, as {@code enginex-agent policy show --json} prints it) and its <em>local
 * vetoes</em>: tools, command templates and network targets that every tenant policy applying to the
 * agent allows but the effective policy lacks, so the machine's policy removed them. Without a tenant
 * policy there is nothing to veto. Built per request from stored JSON; immutable.
 *
 * @param json the report, pretty-printed
 */
public record AgentPolicy(
        String machinePolicy,
        String tenantPolicy,
        List<Rule> tools,
        List<Rule> commands,
        List<Rule> network,
        List<Veto> vetoes,
        String json) {
    public AgentPolicy {
        tools = List.copyOf(tools);
        commands = List.copyOf(commands);
        network = List.copyOf(network);
        vetoes = List.copyOf(vetoes);
    }

    /** A rule in force and where it comes from. */
    public record Rule(String name, String source) {}

    /**
     * Something a tenant policy allows that the machine's policy removed.
     *
     * @param kind {@code tool}, {@code command} or {@code network}
     */
    public record Veto(String kind, String name, String reason) {}

    /**
     * The card for an agent's stored report.
     *
     * @param reportJson the {@code effectivePolicy} of its last {@code advertise}, or null if it sent none
     * @param tenant the tenant policies that apply to the agent now
     * @return empty when the agent has not reported (an older agent, or one not connected since)
     */
    public static Optional<AgentPolicy> of(String reportJson, List<TenantPolicy> tenant, ObjectMapper mapper) {
        if (reportJson == null) {
            return Optional.empty();
        }
        JsonNode report;
        String pretty;
        try {
            report = mapper.readTree(reportJson);
            pretty = mapper.writerWithDefaultPrettyPrinter().writeValueAsString(report);
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
        String machine = report.path("machinePolicy").asText("the machine policy");
        List<Rule> tools = rules(report.path("tools"), "name");
        List<Rule> commands = rules(report.path("commands"), "name");
        List<Rule> network = rules(report.path("network"), "target");
        Map<String, String> blocked = new LinkedHashMap<>();
        report.path("blockedTools")
                .forEach(b ->
                        blocked.put(b.path("name").asText(), b.path("reason").asText()));

        List<Veto> vetoes = new ArrayList<>();
        if (!tenant.isEmpty()) {
            Set<String> candidates = new TreeSet<>(blocked.keySet());
            candidates.addAll(named(tenant, "tools", JsonNode::asText));
            for (String tool : candidates) {
                if (allowedByEvery(tenant, "tools", JsonNode::asText, tool) && !has(tools, tool)) {
                    vetoes.add(new Veto(
                            "tool",
                            tool,
                            blocked.getOrDefault(
                                    tool, "the tool " + tool + " is not in the allowed tools of " + machine)));
                }
            }
            Function<JsonNode, String> commandName = c -> c.path("name").asText();
            for (String command : named(tenant, "commands", commandName)) {
                if (allowedByEvery(tenant, "commands", commandName, command) && !has(commands, command)) {
                    vetoes.add(
                            new Veto("command", command, "there is no command template " + command + " in " + machine));
                }
            }
            Function<JsonNode, String> target = n -> n.asText().toLowerCase(Locale.ROOT);
            for (String host : named(tenant, "network", target)) {
                if (allowedByEvery(tenant, "network", target, host) && !has(network, host)) {
                    vetoes.add(new Veto("network", host, "the host:port " + host + " is not listed in " + machine));
                }
            }
        }
        return Optional.of(new AgentPolicy(
                machine, report.path("tenantPolicy").asText("none"), tools, commands, network, vetoes, pretty));
    }

    private static List<Rule> rules(JsonNode array, String field) {
        List<Rule> out = new ArrayList<>();
        array.forEach(
                r -> out.add(new Rule(r.path(field).asText(), r.path("source").asText())));
        return out;
    }

    private static boolean has(List<Rule> rules, String name) {
        return rules.stream().anyMatch(r -> r.name().equalsIgnoreCase(name));
    }

    /** The entries of {@code field} in any of the policies, in order. */
    private static Set<String> named(List<TenantPolicy> tenant, String field, Function<JsonNode, String> name) {
        Set<String> out = new LinkedHashSet<>();
        for (TenantPolicy p : tenant) {
            p.policy().path(field).forEach(e -> out.add(name.apply(e)));
        }
        return out;
    }

    /** Whether every policy allows {@code value}: it lists it, or has no {@code field} (no restriction). */
    private static boolean allowedByEvery(
            List<TenantPolicy> tenant, String field, Function<JsonNode, String> name, String value) {
        for (TenantPolicy p : tenant) {
            JsonNode list = p.policy().get(field);
            if (list == null || !list.isArray()) {
                continue;
            }
            boolean listed = false;
            for (JsonNode e : list) {
                listed |= name.apply(e).equals(value);
            }
            if (!listed) {
                return false;
            }
        }
        return true;
    }
}
