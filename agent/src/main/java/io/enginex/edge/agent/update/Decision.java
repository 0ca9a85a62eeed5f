package io.enginex.edge.agent.update;

import io.enginex.edge.common.update.ChannelState;
import io.enginex.edge.common.update.ReleaseVersion;
import io.enginex.edge.common.update.Rollout;
import java.util.Map;

/**
 * What to do with a channel's signed state, given the running version and the versions this agent
 * refused: the one place the updater's rules live. Never a downgrade, except away from a version the
 * channel withdrew (an admin's {@code engine release rollback}).
 */
public record Decision(Kind kind, String version, String why) {
    public enum Kind {
        /** Nothing to do. */
        UP_TO_DATE,
        /** The channel is paused by an admin. */
        PAUSED,
        /** The channel's version was rolled back here before: not again. */
        REFUSED,
        /** The channel's rollout has not reached this agent's bucket yet. */
        WAITING,
        /** Install {@code version}. */
        INSTALL
    }

    /** An agent's rollout bucket, 0–99, fixed by its id ({@link Rollout#bucket}). */
    public static int bucket(String agentId) {
        return Rollout.bucket(agentId);
    }

    /**
     * What to do when the tenant pins this agent to {@code pinned}: run that version, installed when it is
     * newer than the running one; never a newer one; never below the running version, except away from a
     * version the followed channel withdrew. The channel still counts for its pause (at the pinned
     * version), its withdrawn versions and the versions this agent refused; rings do not (the admin chose).
     */
    public static Decision decidePinned(
            String running, String pinned, ChannelState channel, Map<String, String> refused) {
        if (pinned.equals(running)) {
            return new Decision(Kind.UP_TO_DATE, pinned, "running " + running + ", the version this tenant pins");
        }
        if (channel.paused() && pinned.equals(channel.version())) {
            return new Decision(
                    Kind.PAUSED,
                    pinned,
                    "channel " + channel.channel() + " is paused at " + pinned + "; staying on " + running);
        }
        if (channel.withdrawn().contains(pinned)) {
            return new Decision(
                    Kind.UP_TO_DATE,
                    pinned,
                    "this tenant pins " + pinned + ", which channel " + channel.channel() + " withdrew; staying on "
                            + running);
        }
        if (refused.containsKey(pinned)) {
            return new Decision(
                    Kind.REFUSED,
                    pinned,
                    "version " + pinned + " was rolled back here (" + refused.get(pinned)
                            + "); not installing it again");
        }
        if (!ReleaseVersion.valid(running)) {
            return new Decision(
                    Kind.UP_TO_DATE,
                    pinned,
                    "this build (" + running + ") has no release version; it does not update itself");
        }
        if (ReleaseVersion.parse(pinned).newerThan(ReleaseVersion.parse(running))) {
            return new Decision(Kind.INSTALL, pinned, "this tenant pins version " + pinned + "; running " + running);
        }
        if (channel.withdrawn().contains(running)) {
            return new Decision(
                    Kind.INSTALL,
                    pinned,
                    "version " + running + " was withdrawn from channel " + channel.channel() + "; going back to "
                            + pinned + ", the version this tenant pins");
        }
        return new Decision(
                Kind.UP_TO_DATE,
                pinned,
                "this tenant pins " + pinned + ", older than the running " + running + " (no downgrade)");
    }

    /**
     * @param bucket this agent's rollout bucket ({@link #bucket})
     */
    public static Decision decide(String running, ChannelState channel, Map<String, String> refused, int bucket) {
        if (channel.version() == null) {
            return new Decision(Kind.UP_TO_DATE, null, "channel " + channel.channel() + " has no release yet");
        }
        String target = channel.version();
        if (target.equals(running)) {
            return new Decision(
                    Kind.UP_TO_DATE, target, "running " + running + ", the version of channel " + channel.channel());
        }
        if (channel.paused() && !leavesWithdrawn(running, target, channel, refused)) {
            return new Decision(
                    Kind.PAUSED,
                    target,
                    "channel " + channel.channel() + " is paused by an admin; staying on " + running);
        }
        if (refused.containsKey(target)) {
            return new Decision(
                    Kind.REFUSED,
                    target,
                    "version " + target + " was rolled back here (" + refused.get(target)
                            + "); waiting for a newer version");
        }
        if (!ReleaseVersion.valid(running)) {
            return new Decision(
                    Kind.UP_TO_DATE,
                    target,
                    "this build (" + running + ") has no release version; it does not update itself");
        }
        ReleaseVersion have = ReleaseVersion.parse(running);
        ReleaseVersion want = ReleaseVersion.parse(target);
        if (want.newerThan(have)) {
            if (!Rollout.reaches(channel, bucket)) {
                return new Decision(
                        Kind.WAITING,
                        target,
                        "the rollout of " + target + " is at " + channel.percent() + "% of channel " + channel.channel()
                                + " and has not reached this agent (bucket " + bucket + ")");
            }
            return new Decision(
                    Kind.INSTALL, target, "channel " + channel.channel() + " is at " + target + "; running " + running);
        }
        if (channel.withdrawn().contains(running)) {
            return new Decision(
                    Kind.INSTALL,
                    target,
                    "version " + running + " was withdrawn from channel " + channel.channel() + "; going back to "
                            + target);
        }
        return new Decision(
                Kind.UP_TO_DATE,
                target,
                "running " + running + ", newer than channel " + channel.channel() + "'s " + target
                        + " (no downgrade)");
    }

    /**
     * Whether a paused channel still moves this agent: a pause holds a rollout forward (after a halt,
     * too), but never keeps an agent on a version the channel withdrew, so the admin's {@code release
     * rollback} reaches agents on the bad version even while the channel is paused. Only back, to an
     * older version this agent did not roll back itself.
     */
    private static boolean leavesWithdrawn(
            String running, String target, ChannelState channel, Map<String, String> refused) {
        return channel.withdrawn().contains(running)
                && !refused.containsKey(target)
                && ReleaseVersion.valid(running)
                && ReleaseVersion.parse(running).newerThan(ReleaseVersion.parse(target));
    }
}
