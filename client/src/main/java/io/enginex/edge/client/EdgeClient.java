package io.enginex.edge.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import javax.net.ssl.SSLContext;

/**
 * The hub's API for a program: sessions, jobs, approvals, agents and job event subscriptions, as
 * typed calls. Every create carries an {@code Idempotency-Key} (the caller's, or a new random one)
 * and is retried with that same key, so a lost answer never makes a job twice; reads are retried
 * too; other changes (approve, deny) are sent once. Failures are {@link ApiException} (the hub's
 * code, message and status) or {@link TransportException}.
 *
 * <pre>{@code
 * EdgeClient hub = EdgeClient.builder("https://hub.example.com:8443").apiKey(System.getenv("ENGINEX_API_KEY")).build();
 * Session session = hub.createSession("acme", "q3 close");
 * Job job = hub.runJob("acme", session.id(), JobRequest.of("agt_…", "fs.list").withArgs(Map.of("path", ".")),
 *         Duration.ofMinutes(1));
 * System.out.println(job.state() + " " + job.output());
 * }</pre>
 *
 * Thread-safe and cheap to share: one per hub and API key. Calls block their thread.
 */
public final class EdgeClient {
    /** The longest single long-poll ({@code ?wait=}); the hub allows 60 s. */
    static final Duration LONGEST_POLL = Duration.ofSeconds(20);

    private final Transport transport;

    private EdgeClient(Transport transport) {
        this.transport = transport;
    }

    public static Builder builder(String baseUrl) {
        return builder(URI.create(baseUrl));
    }

    public static Builder builder(URI baseUrl) {
        return new Builder(baseUrl);
    }

    /** The raw API with the same key, retries and errors, for routes without a typed call here. */
    public Transport transport() {
        return transport;
    }

    /** This client with another retry policy, sharing its connections. */
    public EdgeClient withRetryPolicy(RetryPolicy policy) {
        return new EdgeClient(transport.withPolicy(policy));
    }

    // Sessions

    /** Creates a session with a new idempotency key. */
    public Session createSession(String tenant, String name) {
        return createSession(tenant, name, null);
    }

    /** Creates a session; {@code idempotencyKey} null makes a new one. */
    public Session createSession(String tenant, String name, String idempotencyKey) {
        return Session.from(transport.create(tenantPath(tenant) + "/sessions", Map.of("name", name), idempotencyKey));
    }

    /** A session and its jobs. */
    public Session session(String tenant, String sessionId) {
        return Session.from(transport.read(tenantPath(tenant) + "/sessions/" + segment(sessionId)));
    }

    /** The tenant's sessions, newest first. */
    public List<Session> sessions(String tenant) {
        return list(transport.read(tenantPath(tenant) + "/sessions"), Session::from);
    }

    // Jobs

    /** Writes a job in {@code sessionId}; the answer is the job as created ({@code queued}, {@code awaiting_approval} …). */
    public Job createJob(String tenant, String sessionId, JobRequest request) {
        return Job.from(transport.create(
                tenantPath(tenant) + "/sessions/" + segment(sessionId) + "/jobs",
                request.body(),
                request.idempotencyKey()));
    }

    public Job job(String tenant, String jobId) {
        return Job.from(transport.read(jobPath(tenant, jobId)));
    }

    /**
     * One long-poll: the job as soon as it has finished, or as it is after {@code wait} (rounded up
     * to whole seconds, at most 60 s).
     */
    public Job pollJob(String tenant, String jobId, Duration wait) {
        long seconds = Math.clamp((wait.toMillis() + 999) / 1000, 0, 60);
        return Job.from(transport.read(jobPath(tenant, jobId) + "?wait=" + seconds, Duration.ofSeconds(seconds + 10)));
    }

    /**
     * Long-polls until the job has finished or {@code timeout} passed.
     *
     * @return the job, finished, or as it was when {@code timeout} passed
     */
    public Job awaitJob(String tenant, String jobId, Duration timeout) {
        long giveUp = System.nanoTime() + timeout.toNanos();
        Job job = null;
        do {
            long left = giveUp - System.nanoTime();
            if (job != null && left <= 0) {
                return job;
            }
            Duration wait = Duration.ofNanos(Math.max(0, left));
            job = pollJob(tenant, jobId, wait.compareTo(LONGEST_POLL) > 0 ? LONGEST_POLL : wait);
        } while (!job.finished());
        return job;
    }

    /** Creates a job and waits for it: {@link #createJob} then {@link #awaitJob}. */
    public Job runJob(String tenant, String sessionId, JobRequest request, Duration timeout) {
        Job job = createJob(tenant, sessionId, request);
        return job.finished() ? job : awaitJob(tenant, job.id(), timeout);
    }

    /** The tenant's jobs in {@code state}, newest first, at most {@code limit} (1–500). */
    public List<Job> jobs(String tenant, String state, int limit) {
        return list(
                transport.read(tenantPath(tenant) + "/jobs?state=" + segment(state) + "&limit=" + limit), Job::from);
    }

    /**
     * Opens the tenant's runtime channel: many jobs on one WebSocket, each create exactly-once across
     * reconnects ({@link JobChannel}). Needs a key whose role may create jobs.
     *
     * @throws ApiException when the hub refused it ({@code 401}, {@code 403}, {@code 404})
     * @throws TransportException when the hub could not be reached within the retry policy
     */
    public JobChannel openChannel(String tenant) {
        return openChannel(tenant, Duration.ofSeconds(JobChannel.DEFAULT_KEEP_ALIVE_SECONDS));
    }

    /**
     * {@link #openChannel(String)} with its keep-alive: the socket is pinged every {@code keepAlive}
     * and reopened once nothing has been heard on it for three of those (a link that died without a
     * close). Shorter notices a dead link sooner at the cost of a ping frame per interval.
     *
     * @throws IllegalArgumentException when {@code keepAlive} is not positive
     */
    public JobChannel openChannel(String tenant, Duration keepAlive) {
        return JobChannel.open(transport, tenantPath(tenant) + "/runtime", keepAlive);
    }

    // Approvals

    /** Approves a job awaiting approval; {@code reason} (may be null) is recorded. Sent once. */
    public Job approve(String tenant, String jobId, String reason) {
        return decide(tenant, jobId, "approve", reason);
    }

    /** Denies a job awaiting approval: it ends {@code cancelled}, never sent. Sent once. */
    public Job deny(String tenant, String jobId, String reason) {
        return decide(tenant, jobId, "deny", reason);
    }

    private Job decide(String tenant, String jobId, String action, String reason) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (reason != null) {
            body.put("reason", reason);
        }
        return Job.from(transport.send("POST", jobPath(tenant, jobId) + "/" + action, body));
    }

    // Agents

    public List<Agent> agents(String tenant) {
        return list(transport.read(tenantPath(tenant) + "/agents"), Agent::from);
    }

    public Agent agent(String tenant, String agentId) {
        return Agent.from(transport.read(tenantPath(tenant) + "/agents/" + segment(agentId)));
    }

    // Events

    /**
     * Subscribes to the tenant's job events, resuming after {@code lastEventId} (null: the events
     * written from when the stream opens; wait with {@link EventSubscription#awaitOpen}).
     */
    public EventSubscription subscribe(String tenant, String lastEventId, JobEventListener listener) {
        return EventSubscription.start(transport, tenantPath(tenant) + "/events", lastEventId, listener);
    }

    /** Subscribes to one session's job events; otherwise as {@link #subscribe(String, String, JobEventListener)}. */
    public EventSubscription subscribeSession(
            String tenant, String sessionId, String lastEventId, JobEventListener listener) {
        return EventSubscription.start(
                transport, tenantPath(tenant) + "/sessions/" + segment(sessionId) + "/events", lastEventId, listener);
    }

    private static String tenantPath(String tenant) {
        return "/api/v1/tenants/" + segment(tenant);
    }

    private static String jobPath(String tenant, String jobId) {
        return tenantPath(tenant) + "/jobs/" + segment(jobId);
    }

    /** One path segment, percent-encoded. */
    static String segment(String value) {
        Objects.requireNonNull(value, "a path segment (tenant or id) is null");
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static <T> List<T> list(JsonNode array, Function<JsonNode, T> each) {
        List<T> values = new ArrayList<>();
        for (JsonNode node : array) {
            values.add(each.apply(node));
        }
        return List.copyOf(values);
    }

    /** Configures a client; {@link #build} seals it. Not thread-safe. */
    public static final class Builder {
        private final URI base;
        private String apiKey;
        private HttpClient http;
        private SSLContext sslContext;
        private ObjectMapper mapper;
        private RetryPolicy policy = RetryPolicy.DEFAULT;
        private Transport.Sleeper sleeper = Thread::sleep;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private Clock clock = Clock.systemUTC();

        private Builder(URI base) {
            String text = base.toString();
            while (text.endsWith("/")) {
                text = text.substring(0, text.length() - 1);
            }
            this.base = URI.create(text);
            if (!"https".equals(this.base.getScheme()) && !"http".equals(this.base.getScheme())) {
                throw new IllegalArgumentException("the hub's URL must be http:// or https://; got " + base);
            }
        }

        /** The API key ({@code exk_…}) sent as {@code Authorization: Bearer}. Required. */
        public Builder apiKey(String key) {
            this.apiKey = key;
            return this;
        }

        /** Trust for an {@code https} hub (a pinned certificate or a private CA); default: the system's. */
        public Builder sslContext(SSLContext context) {
            this.sslContext = context;
            return this;
        }

        /** A client to share (its TLS settings are used as they are); default: one made for this client. */
        public Builder httpClient(HttpClient client) {
            this.http = client;
            return this;
        }

        public Builder retryPolicy(RetryPolicy retries) {
            this.policy = Objects.requireNonNull(retries);
            return this;
        }

        /** How retries wait; a test passes one that records. Default {@link Thread#sleep(Duration)}. */
        public Builder sleeper(Transport.Sleeper pause) {
            this.sleeper = Objects.requireNonNull(pause);
            return this;
        }

        /** The JSON mapper for bodies and answers; default a plain {@link ObjectMapper}. */
        public Builder mapper(ObjectMapper json) {
            this.mapper = json;
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        /** How long one attempt of a call may take (a long-poll gets its wait on top). Default 30 s. */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = timeout;
            return this;
        }

        /** The clock an HTTP-date {@code Retry-After} is read against. */
        public Builder clock(Clock time) {
            this.clock = Objects.requireNonNull(time);
            return this;
        }

        public EdgeClient build() {
            if (apiKey == null || apiKey.isBlank()) {
                throw new IllegalStateException("an API key is required: EdgeClient.builder(url).apiKey(\"exk_…\")");
            }
            HttpClient client = http;
            if (client == null) {
                HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(connectTimeout);
                if (sslContext != null) {
                    b.sslContext(sslContext);
                }
                client = b.build();
            }
            return new EdgeClient(new Transport(
                    base,
                    apiKey.trim(),
                    client,
                    mapper != null ? mapper : new ObjectMapper(),
                    policy,
                    sleeper,
                    requestTimeout,
                    clock));
        }
    }
}
