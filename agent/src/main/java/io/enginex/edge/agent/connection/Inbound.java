package io.enginex.edge.agent.connection;

import io.enginex.edge.protocol.Cancel;
import io.enginex.edge.protocol.Dispatch;
import io.enginex.edge.protocol.GraphRunsAck;
import io.enginex.edge.protocol.GraphStart;
import io.enginex.edge.protocol.ReleaseNotice;
import io.enginex.edge.protocol.SecretDelivery;
import io.enginex.edge.protocol.SecretRemoval;
import io.enginex.edge.protocol.VaultAck;
import io.enginex.edge.protocol.VaultWipe;
import java.util.function.Consumer;

/**
 * Where the connection hands the frames that concern jobs, and the hub's release notices, vault frames
 * and acks of uploaded graph runs. Called on the WebSocket's receive thread, one frame at a time;
 * implementations return quickly (the job runner starts its own threads).
 */
public interface Inbound {
    void dispatch(Dispatch dispatch);

    void cancel(Cancel cancel);

    /** The hub says to check for updates (a release, or the tenant's pin changed); ignored by default. */
    default void release(ReleaseNotice notice) {}

    /** Sends the answer to a vault frame: {@code ref}, an outcome of {@link VaultAck}, a reason or null. */
    @FunctionalInterface
    interface VaultReply {
        void answer(String ref, String outcome, String message);
    }

    /** What the agent does with the hub's {@code secret}, {@code wipe} and {@code secret-remove} frames. */
    interface VaultFrames {
        void secret(SecretDelivery delivery, VaultReply reply);

        void wipe(VaultWipe wipe, VaultReply reply);

        void remove(SecretRemoval removal, VaultReply reply);
    }

    /** The hub's vault frames go here; by default a secret is refused (this agent keeps none) and a wipe ignored. */
    default VaultFrames vault() {
        return new VaultFrames() {
            @Override
            public void secret(SecretDelivery delivery, VaultReply reply) {
                reply.answer(delivery.deliveryId(), VaultAck.REFUSED, "this agent has no vault for the hub's secrets");
            }

            @Override
            public void wipe(VaultWipe wipe, VaultReply reply) {}

            @Override
            public void remove(SecretRemoval removal, VaultReply reply) {
                reply.answer(removal.removalId(), VaultAck.REMOVED, null);
            }
        };
    }

    /** The hub acknowledged uploaded graph runs; ignored by default. */
    default void graphRunsAcked(GraphRunsAck ack) {}

    /** The hub stored session events the agent reported; ignored by default. */
    default void sessionEventsAcked(io.enginex.edge.protocol.SessionEventsAck ack) {}

    /** The hub answered a chunk of a step output file; ignored by default. */
    default void graphOutputAcked(io.enginex.edge.protocol.GraphOutputAck ack) {}

    /** The hub asked to start a graph now; refused in the log by default (this agent runs no hub graphs). */
    default void graphStart(GraphStart start) {
        org.slf4j.LoggerFactory.getLogger(Inbound.class)
                .atWarn()
                .addKeyValue("graph", start.graph())
                .addKeyValue("startId", start.startId())
                .log("the hub asked to start a graph, but this agent runs no graphs of the hub");
    }

    /** The hub decided a graph step that waits for approval; ignored in the log by default. */
    default void graphDecision(io.enginex.edge.protocol.GraphDecision decision) {
        org.slf4j.LoggerFactory.getLogger(Inbound.class)
                .atWarn()
                .addKeyValue("runId", decision.runId())
                .addKeyValue("step", decision.step())
                .log("the hub decided a graph step, but this agent runs no graphs of the hub");
    }

    /** This inbound, with {@code onDecision} for the hub's decisions on graph steps. */
    default Inbound withGraphDecisions(Consumer<io.enginex.edge.protocol.GraphDecision> onDecision) {
        return new Delegating(this) {
            @Override
            public void graphDecision(io.enginex.edge.protocol.GraphDecision decision) {
                onDecision.accept(decision);
            }
        };
    }

    /** This inbound, with {@code onStart} for the hub's starts of graphs. */
    default Inbound withGraphStarts(Consumer<GraphStart> onStart) {
        return new Delegating(this) {
            @Override
            public void graphStart(GraphStart start) {
                onStart.accept(start);
            }
        };
    }

    /** This inbound, with {@code vault} for the hub's vault frames. */
    default Inbound withVault(VaultFrames vault) {
        return new Delegating(this) {
            @Override
            public VaultFrames vault() {
                return vault;
            }
        };
    }

    /** This inbound, with {@code onAck} for the hub's acks of uploaded graph runs. */
    default Inbound withGraphRunAcks(Consumer<GraphRunsAck> onAck) {
        return new Delegating(this) {
            @Override
            public void graphRunsAcked(GraphRunsAck ack) {
                onAck.accept(ack);
            }
        };
    }

    /** This inbound, with {@code onAck} for the hub's acks of session events. */
    default Inbound withSessionEventAcks(Consumer<io.enginex.edge.protocol.SessionEventsAck> onAck) {
        return new Delegating(this) {
            @Override
            public void sessionEventsAcked(io.enginex.edge.protocol.SessionEventsAck ack) {
                onAck.accept(ack);
            }
        };
    }

    /** This inbound, with {@code onAck} for the hub's answers to chunks of step output files. */
    default Inbound withGraphOutputAcks(Consumer<io.enginex.edge.protocol.GraphOutputAck> onAck) {
        return new Delegating(this) {
            @Override
            public void graphOutputAcked(io.enginex.edge.protocol.GraphOutputAck ack) {
                onAck.accept(ack);
            }
        };
    }

    /** This inbound, with {@code onRelease} for release notices. */
    default Inbound withReleases(Consumer<ReleaseNotice> onRelease) {
        return new Delegating(this) {
            @Override
            public void release(ReleaseNotice notice) {
                onRelease.accept(notice);
            }
        };
    }

    /** Adapts two method references, e.g. {@code Inbound.of(runner::dispatch, runner::cancel)}. */
    static Inbound of(Consumer<Dispatch> onDispatch, Consumer<Cancel> onCancel) {
        return new Inbound() {
            @Override
            public void dispatch(Dispatch dispatch) {
                onDispatch.accept(dispatch);
            }

            @Override
            public void cancel(Cancel cancel) {
                onCancel.accept(cancel);
            }
        };
    }

    /**
     * Hands every frame to {@code inner}; each {@code with…} overrides one kind, so chaining them keeps
     * the others (a wrapper that forgot one would drop that kind of frame silently).
     */
    class Delegating implements Inbound {
        private final Inbound inner;

        Delegating(Inbound inner) {
            this.inner = inner;
        }

        @Override
        public void dispatch(Dispatch dispatch) {
            inner.dispatch(dispatch);
        }

        @Override
        public void cancel(Cancel cancel) {
            inner.cancel(cancel);
        }

        @Override
        public void release(ReleaseNotice notice) {
            inner.release(notice);
        }

        @Override
        public VaultFrames vault() {
            return inner.vault();
        }

        @Override
        public void graphRunsAcked(GraphRunsAck ack) {
            inner.graphRunsAcked(ack);
        }

        @Override
        public void graphOutputAcked(io.enginex.edge.protocol.GraphOutputAck ack) {
            inner.graphOutputAcked(ack);
        }

        @Override
        public void sessionEventsAcked(io.enginex.edge.protocol.SessionEventsAck ack) {
            inner.sessionEventsAcked(ack);
        }

        @Override
        public void graphStart(GraphStart start) {
            inner.graphStart(start);
        }

        @Override
        public void graphDecision(io.enginex.edge.protocol.GraphDecision decision) {
            inner.graphDecision(decision);
        }
    }
}
