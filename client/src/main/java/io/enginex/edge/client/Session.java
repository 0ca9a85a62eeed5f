package io.enginex.edge.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A session: the unit of work whose jobs are watched together. Immutable.
 *
 * @param pageUrl the capability link to its page (share it like a password); null where the hub does
 *     not send it (lists)
 * @param jobs its jobs, when the hub sent them ({@link EdgeClient#session}); empty otherwise
 * @param json the hub's whole answer, for fields this type does not name
 */
public record Session(String id, String name, String pageUrl, Instant createdAt, List<Job> jobs, JsonNode json) {
    public Session {
        jobs = List.copyOf(jobs);
    }

    static Session from(JsonNode node) {
        List<Job> jobs = new ArrayList<>();
        for (JsonNode j : node.path("jobs")) {
            jobs.add(Job.from(j));
        }
        return new Session(
                Fields.text(node, "id"),
                Fields.text(node, "name"),
                Fields.text(node, "pageUrl"),
                Fields.instant(node, "createdAt"),
                jobs,
                node);
    }
}
