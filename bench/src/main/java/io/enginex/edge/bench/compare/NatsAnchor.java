package io.enginex.edge.bench.compare;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.Nats;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * NATS request-reply against the NATS server on 127.0.0.1:4222 (jnats): one connection answers every
 * request on a subject at once, as the simulated agents answer a dispatch; the clients share another
 * connection and each sends a dispatch-sized request and waits for its reply. Nothing is durable:
 * this is the messaging floor a round trip through the hub compares with.
 */
final class NatsAnchor {
    static final String URL = "nats://127.0.0.1:4222";
    private static final String SUBJECT = "enginex.bench.dispatch";
    private static final byte[] REQUEST =
            ("{\"type\":\"dispatch\",\"id\":\"h-7\",\"jobId\":\"job_8c1d2e\",\"tool\":\"sys.ping\","
                            + "\"args\":{},\"deadline\":\"2026-11-26T10:15:30Z\",\"attempt\":1}")
                    .getBytes(StandardCharsets.UTF_8);
    private static final byte[] REPLY =
            "{\"type\":\"result\",\"id\":\"a-11\",\"jobId\":\"job_8c1d2e\",\"output\":{\"pong\":true}}"
                    .getBytes(StandardCharsets.UTF_8);

    private NatsAnchor() {}

    static RunResult run(int clients, Duration warmup, Duration measured) throws Exception {
        Pair pair = Pair.open();
        try {
            return ClosedLoop.run("nats-request-reply", "", clients, warmup, measured, pair.request());
        } finally {
            pair.close();
        }
    }

    /** The chart's open-model line at each rate. */
    static java.util.List<OpenLoop.Outcome> sweep(java.util.List<Double> rates, Duration warmup, Duration measured)
            throws Exception {
        Pair pair = Pair.open();
        try {
            var out = new java.util.ArrayList<OpenLoop.Outcome>();
            for (double rate : rates) {
                out.add(OpenLoop.run("nats-request-reply", rate, warmup, measured, pair.request()));
            }
            return out;
        } finally {
            pair.close();
        }
    }

    /**
     * A responder connection answering every request on the subject, and a requester connection.
     * Not AutoCloseable: Connection.close() throws InterruptedException, which -Xlint flags in
     * try-with-resources.
     */
    private record Pair(Connection responder, Connection requester) {
        static Pair open() throws Exception {
            Connection responder = Nats.connect(URL);
            Connection requester = Nats.connect(URL);
            Dispatcher answers = responder.createDispatcher(m -> responder.publish(m.getReplyTo(), REPLY));
            answers.subscribe(SUBJECT);
            responder.flush(Duration.ofSeconds(5));
            return new Pair(responder, requester);
        }

        ClosedLoop.Operation request() {
            return client -> {
                Message reply = requester.request(SUBJECT, REQUEST, Duration.ofSeconds(5));
                if (reply == null) {
                    throw new IllegalStateException("no reply within 5 s");
                }
            };
        }

        void close() throws InterruptedException {
            requester.close();
            responder.close();
        }
    }
}
