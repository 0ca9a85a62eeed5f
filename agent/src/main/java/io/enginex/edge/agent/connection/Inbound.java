package io.enginex.edge.agent.connection;

import io.enginex.edge.protocol.Cancel;
import io.enginex.edge.protocol.Dispatch;
import io.enginex.edge.protocol.ReleaseNotice;
import io.enginex.edge.protocol.SecretDelivery;
import io.enginex.edge.protocol.VaultAck;
import io.enginex.edge.protocol.VaultWipe;
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

    /** Sends the answer to a vault frame: {@code ref}, an outcome of {@link VaultAck}, a reason or null. */
    @FunctionalInterface
    interface VaultReply {
        void answer(String ref, String outcome, String message);
    }

    /** What the agent does with the hub's {@code secret} and {@code wipe} frames. */
    interface VaultFrames {
        void secret(SecretDelivery delivery, VaultReply reply);

        void wipe(VaultWipe wipe, VaultReply reply);
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
        };
    }

    /** This inbound, with {@code vault} for the hub's vault frames. */
    default Inbound withVault(VaultFrames vault) {
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
            public VaultFrames vault() {
                return vault;
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

            @Override
            public VaultFrames vault() {
                return jobs.vault();
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
