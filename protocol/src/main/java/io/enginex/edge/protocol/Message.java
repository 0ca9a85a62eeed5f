package io.enginex.edge.protocol;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * A frame on the hub–agent WebSocket. Handle with an exhaustive {@code switch}; decode and encode
 * with {@link MessageCodec}. See {@link Protocol} for the frame layout and version rule.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = Hello.class, name = Hello.TYPE),
    @JsonSubTypes.Type(value = Welcome.class, name = Welcome.TYPE),
    @JsonSubTypes.Type(value = Dispatch.class, name = Dispatch.TYPE),
    @JsonSubTypes.Type(value = Ack.class, name = Ack.TYPE),
    @JsonSubTypes.Type(value = Progress.class, name = Progress.TYPE),
    @JsonSubTypes.Type(value = Result.class, name = Result.TYPE),
    @JsonSubTypes.Type(value = Cancel.class, name = Cancel.TYPE),
    @JsonSubTypes.Type(value = Ping.class, name = Ping.TYPE),
    @JsonSubTypes.Type(value = Pong.class, name = Pong.TYPE),
    @JsonSubTypes.Type(value = ErrorFrame.class, name = ErrorFrame.TYPE),
    @JsonSubTypes.Type(value = PolicyUpdate.class, name = PolicyUpdate.TYPE),
    @JsonSubTypes.Type(value = Advertise.class, name = Advertise.TYPE),
    @JsonSubTypes.Type(value = AgentState.class, name = AgentState.TYPE),
    @JsonSubTypes.Type(value = UpdateReport.class, name = UpdateReport.TYPE),
    @JsonSubTypes.Type(value = ReleaseNotice.class, name = ReleaseNotice.TYPE),
    @JsonSubTypes.Type(value = SecretDelivery.class, name = SecretDelivery.TYPE),
    @JsonSubTypes.Type(value = VaultWipe.class, name = VaultWipe.TYPE),
    @JsonSubTypes.Type(value = SecretRemoval.class, name = SecretRemoval.TYPE),
    @JsonSubTypes.Type(value = VaultAck.class, name = VaultAck.TYPE),
    @JsonSubTypes.Type(value = GraphRuns.class, name = GraphRuns.TYPE),
    @JsonSubTypes.Type(value = GraphRunsAck.class, name = GraphRunsAck.TYPE),
    @JsonSubTypes.Type(value = GraphStart.class, name = GraphStart.TYPE),
    @JsonSubTypes.Type(value = GraphApproval.class, name = GraphApproval.TYPE),
    @JsonSubTypes.Type(value = GraphDecision.class, name = GraphDecision.TYPE),
    @JsonSubTypes.Type(value = GraphDecisionOutcome.class, name = GraphDecisionOutcome.TYPE),
    @JsonSubTypes.Type(value = GraphOutputChunk.class, name = GraphOutputChunk.TYPE),
    @JsonSubTypes.Type(value = GraphOutputAck.class, name = GraphOutputAck.TYPE),
    @JsonSubTypes.Type(value = GraphLocalDecision.class, name = GraphLocalDecision.TYPE),
    @JsonSubTypes.Type(value = SessionEventsAck.class, name = SessionEventsAck.TYPE)
})
public sealed interface Message
        permits Hello,
                Welcome,
                Dispatch,
                Ack,
                Progress,
                Result,
                Cancel,
                Ping,
                Pong,
                ErrorFrame,
                PolicyUpdate,
                Advertise,
                AgentState,
                UpdateReport,
                ReleaseNotice,
                SecretDelivery,
                VaultWipe,
                SecretRemoval,
                VaultAck,
                GraphRuns,
                GraphRunsAck,
                GraphStart,
                GraphApproval,
                GraphDecision,
                GraphDecisionOutcome,
                GraphOutputChunk,
                GraphOutputAck,
                GraphLocalDecision,
                SessionEventsAck {
    /** Frame id, unique per sender and connection. */
    String id();
}
