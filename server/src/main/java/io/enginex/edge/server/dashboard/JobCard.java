package io.enginex.edge.server.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.server.store.Job;
import java.time.Instant;
import java.util.List;

/**
 * A job as the session timeline and the agent page show it: state, timings, the agent, the arguments
 * and the result, JSON pretty-printed, plain text pulled out where the tool answered with text.
 *
 * @param outputText text from the output: the output itself if it is a string, else its {@code
 *     content}, {@code text} or {@code stdout} field; null if none
 * @param outputJson the whole output, pretty-printed; null until it succeeded
 * @param downloadName the file name the session page offers the result under, or null when the job
 *     brought back no file ({@link ResultFile})
 * @param consent how the person at the machine answered before a consent-marked tool ran, or null
 */
public record JobCard(
        String id,
        String sessionId,
        String tool,
        String state,
        boolean finished,
        String agentId,
        String agentHost,
        int attempt,
        boolean replayed,
        Instant createdAt,
        Instant dispatchedAt,
        Instant startedAt,
        Instant finishedAt,
        Instant deadline,
        String args,
        String outputText,
        String outputJson,
        String errorCode,
        String errorMessage,
        Job.Approval approval,
        String downloadName,
        Job.DeviceTimes device,
        Consent consent) {
    /**
     * The consent of the person at the machine, as the agent reported it with the result: whom it
     * asked ({@code user}), the {@code answer} ({@code allowed}, {@code denied}, {@code timeout}), where
     * ({@code via}: dialog, status page, timeout), who answered, when (device times), what they were
     * shown and who they were told asked for the job ({@code requestedBy}, null when the agent did not
     * say).
     */
    public record Consent(
            String user,
            String answer,
            String via,
            String answeredBy,
            String askedAt,
            String answeredAt,
            String shown,
            String requestedBy) {
        static Consent of(String json, ObjectMapper mapper) {
            if (json == null) {
                return null;
            }
            JsonNode c = parse(json, mapper);
            return new Consent(
                    text(c, "user"),
                    text(c, "answer"),
                    text(c, "via"),
                    text(c, "answeredBy"),
                    text(c, "askedAt"),
                    text(c, "answeredAt"),
                    text(c, "shown"),
                    text(c, "requestedBy"));
        }

        private static String text(JsonNode node, String field) {
            return node.path(field).isTextual() ? node.path(field).asText() : null;
        }
    }

    private static final List<String> TEXT_FIELDS = List.of("content", "text", "stdout");

    static JobCard of(Job j, String agentHost, ObjectMapper mapper) {
        JsonNode output = j.outputJson() == null ? null : parse(j.outputJson(), mapper);
        String text = null;
        if (output != null && output.isTextual()) {
            text = output.asText();
        } else if (output != null) {
            for (String field : TEXT_FIELDS) {
                if (output.path(field).isTextual()) {
                    text = output.path(field).asText();
                    break;
                }
            }
        }
        return new JobCard(
                j.id(),
                j.sessionId(),
                j.tool(),
                j.state().wire(),
                j.state().terminal(),
                j.agentId(),
                agentHost,
                j.attempt(),
                j.replayed(),
                j.createdAt(),
                j.dispatchedAt(),
                j.startedAt(),
                j.finishedAt(),
                j.deadline(),
                pretty(j.argsJson(), mapper),
                text,
                output == null ? null : pretty(output, mapper),
                j.errorCode(),
                j.errorMessage(),
                j.approval(),
                ResultFile.of(j, mapper).map(ResultFile::name).orElse(null),
                j.device(),
                Consent.of(j.consentJson(), mapper));
    }

    /** Time from creation until the agent started it (queueing and delivery). */
    public String waited() {
        return Format.between(createdAt, startedAt != null ? startedAt : dispatchedAt);
    }

    /** Time the agent took. */
    public String ran() {
        return Format.between(startedAt, finishedAt);
    }

    /** Time from creation to the end. */
    public String total() {
        return Format.between(createdAt, finishedAt);
    }

    private static JsonNode parse(String json, ObjectMapper mapper) {
        try {
            return mapper.readTree(json);
        } catch (JsonProcessingException e) {
            return mapper.getNodeFactory().textNode(json);
        }
    }

    private static String pretty(String json, ObjectMapper mapper) {
        return json == null ? "" : pretty(parse(json, mapper), mapper);
    }

    private static String pretty(JsonNode node, ObjectMapper mapper) {
        try {
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            return node.toString();
        }
    }
}
