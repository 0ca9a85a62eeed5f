package io.enginex.edge.agent.connection;

import io.enginex.edge.protocol.Cancel;
import io.enginex.edge.protocol.Dispatch;
import java.util.function.Consumer;

/**
 * Where the connection hands the frames that concern jobs. Called on the WebSocket's receive thread,
 * one frame at a time; implementations return quickly (the job runner starts its own threads).
 */
public interface Inbound {
    void dispatch(Dispatch dispatch);

    void cancel(Cancel cancel);

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
