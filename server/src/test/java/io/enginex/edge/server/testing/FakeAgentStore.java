package io.enginex.edge.server.testing;

import io.enginex.edge.server.store.Agent;
import io.enginex.edge.server.store.AgentPause;
import io.enginex.edge.server.store.AgentSessionPart;
import io.enginex.edge.server.store.AgentSessionReport;
import io.enginex.edge.server.store.AgentStore;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Agents in a map, for unit tests of one class that needs an {@link AgentStore}. */
public final class FakeAgentStore implements AgentStore {
    private final Map<String, Agent> agents = new ConcurrentHashMap<>();
    private final Map<String, String> effectivePolicies = new ConcurrentHashMap<>();

    @Override
    public Agent create(Agent agent) {
        agents.put(agent.id(), agent);
        return agent;
    }

    @Override
    public Optional<Agent> find(String tenantId, String id) {
        return Optional.ofNullable(agents.get(id)).filter(a -> a.tenantId().equals(tenantId));
    }

    @Override
    public Optional<Agent> findForAuthentication(String id) {
        return Optional.ofNullable(agents.get(id));
    }

    @Override
    public List<Agent> list(String tenantId) {
        return agents.values().stream()
                .filter(a -> a.tenantId().equals(tenantId))
                .toList();
    }

    @Override
    public void updateHello(
            String tenantId,
            String id,
            String hostname,
            String os,
            String arch,
            String agentVersion,
            String toolsJson,
            Instant now) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void touch(String tenantId, String id, Instant now) {}

    @Override
    public void updateAdvertised(
            String tenantId, String id, String toolsJson, String effectivePolicyJson, Instant now) {
        effectivePolicies.put(id, effectivePolicyJson);
    }

    @Override
    public Optional<String> effectivePolicy(String tenantId, String id) {
        return Optional.ofNullable(effectivePolicies.get(id));
    }

    @Override
    public boolean replacePublicKey(String tenantId, String id, String oldPublicKey, String newPublicKey) {
        Agent a = agents.get(id);
        if (a == null
                || !a.tenantId().equals(tenantId)
                || a.revoked()
                || !a.publicKey().equals(oldPublicKey)) {
            return false;
        }
        agents.put(
                id,
                new Agent(
                        a.id(),
                        a.tenantId(),
                        newPublicKey,
                        a.hostname(),
                        a.os(),
                        a.arch(),
                        a.agentVersion(),
                        a.labels(),
                        a.toolsJson(),
                        a.registrationTokenId(),
                        a.createdAt(),
                        a.lastSeenAt(),
                        a.revokedAt(),
                        null));
        return true;
    }

    @Override
    public boolean revoke(String tenantId, String id, Instant now) {
        Agent a = agents.get(id);
        if (a == null || !a.tenantId().equals(tenantId) || a.revoked()) {
            return false;
        }
        agents.put(
                id,
                new Agent(
                        a.id(),
                        a.tenantId(),
                        a.publicKey(),
                        a.hostname(),
                        a.os(),
                        a.arch(),
                        a.agentVersion(),
                        a.labels(),
                        a.toolsJson(),
                        a.registrationTokenId(),
                        a.createdAt(),
                        a.lastSeenAt(),
                        now,
                        null));
        return true;
    }

    private final Map<String, Instant> deregistered = new ConcurrentHashMap<>();
    private final Map<String, AgentPause> pauses = new ConcurrentHashMap<>();
    private final Map<String, AgentSessionReport> sessionReports = new ConcurrentHashMap<>();

    @Override
    public boolean deregister(String tenantId, String id, Instant now) {
        if (!revoke(tenantId, id, now)) {
            return false;
        }
        deregistered.put(id, now);
        return true;
    }

    @Override
    public Optional<Instant> findDeregistered(String tenantId, String id) {
        return find(tenantId, id).map(a -> deregistered.get(id));
    }

    @Override
    public Optional<AgentPause> recordPause(String tenantId, String id, AgentPause pause) {
        if (find(tenantId, id).isEmpty()) {
            return Optional.empty();
        }
        return Optional.ofNullable(pause == null ? pauses.remove(id) : pauses.put(id, pause));
    }

    @Override
    public List<AgentSessionPart> recordSessionParts(
            String tenantId, String id, List<AgentSessionPart> parts, Instant reportedAt) {
        if (find(tenantId, id).isEmpty()) {
            return List.of();
        }
        var sorted = parts.stream()
                .sorted(java.util.Comparator.comparing(AgentSessionPart::user))
                .toList();
        AgentSessionReport before = sessionReports.put(id, new AgentSessionReport(reportedAt, sorted));
        return before == null ? List.of() : before.parts();
    }

    private final Map<String, List<io.enginex.edge.server.store.AgentSessionEvent>> sessionEvents =
            new ConcurrentHashMap<>();

    @Override
    public synchronized boolean recordSessionEvent(
            String tenantId, String id, io.enginex.edge.server.store.AgentSessionEvent event) {
        var events = sessionEvents.computeIfAbsent(id, k -> new java.util.ArrayList<>());
        boolean seen = events.stream()
                .anyMatch(e -> e.user().equals(event.user())
                        && e.since().equals(event.since())
                        && e.event().equals(event.event()));
        if (!seen) {
            events.add(event);
        }
        return !seen;
    }

    @Override
    public synchronized List<io.enginex.edge.server.store.AgentSessionEvent> findSessionEvents(
            String tenantId, String id) {
        return find(tenantId, id)
                .map(a -> List.copyOf(sessionEvents.getOrDefault(id, List.of())))
                .orElse(List.of());
    }

    @Override
    public Optional<AgentSessionReport> findSessionReport(String tenantId, String id) {
        return find(tenantId, id).map(a -> sessionReports.get(id));
    }

    @Override
    public Optional<AgentPause> findPause(String tenantId, String id) {
        return find(tenantId, id).map(a -> pauses.get(id));
    }

    private final Map<String, Instant> archived = new ConcurrentHashMap<>();

    @Override
    public boolean setLabels(String tenantId, String id, List<String> labels) {
        Agent a = agents.get(id);
        if (a == null || !a.tenantId().equals(tenantId)) {
            return false;
        }
        agents.put(
                id,
                new Agent(
                        a.id(),
                        a.tenantId(),
                        a.publicKey(),
                        a.hostname(),
                        a.os(),
                        a.arch(),
                        a.agentVersion(),
                        labels,
                        a.toolsJson(),
                        a.registrationTokenId(),
                        a.createdAt(),
                        a.lastSeenAt(),
                        a.revokedAt(),
                        null));
        return true;
    }

    @Override
    public boolean archive(String tenantId, String id, Instant now) {
        Agent a = agents.get(id);
        if (a == null || !a.tenantId().equals(tenantId) || !a.revoked() || archived.containsKey(id)) {
            return false;
        }
        archived.put(id, now);
        return true;
    }

    @Override
    public Optional<Instant> findArchived(String tenantId, String id) {
        return find(tenantId, id).map(a -> archived.get(id));
    }

    @Override
    public java.util.Set<String> archivedIds(String tenantId) {
        return java.util.Set.copyOf(archived.keySet().stream()
                .filter(id -> find(tenantId, id).isPresent())
                .toList());
    }

    @Override
    public io.enginex.edge.server.store.AgentQuery.Page page(
            String tenantId, io.enginex.edge.server.store.AgentQuery query) {
        throw new UnsupportedOperationException("the fake lists no pages: use the JDBC store (TestHub)");
    }

    @Override
    public io.enginex.edge.server.store.AgentQuery.Facets facets(String tenantId) {
        throw new UnsupportedOperationException("the fake counts nothing: use the JDBC store (TestHub)");
    }
}
