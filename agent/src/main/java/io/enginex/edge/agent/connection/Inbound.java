package io.enginex.edge.agent.connection;

import io.enginex.edge.protocol.Cancel;
import io.enginex.edge.protocol.Dispatch;
import io.enginex.edge.protocol.GraphRunsAck;
import io.enginex.edge.protocol.ReleaseNotice;
import java.util.function.Consumer;

/**
 * Where the connection hands the frames that concern jobs, and the hub's release notices. Called on the
 * WebSocket's receive thread, one frame at a time; implementations return quickly (the job runner starts
 * its own threads).
 */
public interface Inbound {
    void dispatch(Dispatch dispatch);

    void cancel(Cancel cancel);

    /** The hub says to check for updates (a release, or the tenant's pin changed); ignored by default. */
    default void release(ReleaseNotice notice) {}

    /** The hub acknowledged uploaded graph runs; ignored by default. */
    default void graphRunsAcked(GraphRunsAck ack) {}

    /** This inbound, with {@code onAck} for the hub's acks of uploaded graph runs. */
    default Inbound withGraphRunAcks(Consumer<GraphRunsAck> onAck) {
        Inbound jobs = this;
        return new Inbound() {
            @Override
            public void dispatch(Dispatch dispatch) {
                jobs.dispatch(dispatch);
            }

            @Override
            public void cancel(Cancel cancel) {
                jobs.cancel(cancel);
            }

            @Override
            public void release(ReleaseNotice notice) {
                jobs.release(notice);
            }

            @Override
            public void graphRunsAcked(GraphRunsAck ack) {
                onAck.accept(ack);
            }
        };
    }

    /** This inbound, with {@code onRelease} for release notices. */
    default Inbound withReleases(Consumer<ReleaseNotice> onRelease) {
        Inbound jobs = this;
        return new Inbound() {
            @Override
            public void dispatch(Dispatch dispatch) {
                jobs.dispatch(dispatch);
            }

            @Override
            public void cancel(Cancel cancel) {
                jobs.cancel(cancel);
            }

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
}
