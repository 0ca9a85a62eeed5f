package io.enginex.edge.agent.registration;

import io.enginex.edge.agent.transport.HubRefusedException;
import io.enginex.edge.agent.transport.HubUnreachableException;

/** Turns the hub's refusals and network failures into sentences that say what to do. */
final class RegistrationErrors {
    private RegistrationErrors() {}

    static String refused(HubRefusedException e) {
        String hubSays = e.hubMessage().isEmpty() ? "" : " (hub: " + e.hubMessage() + ")";
        return switch (e.code()) {
            case "token_used" ->
                "this registration token was already used; ask your admin for a new one" + " (engine tokens create …)"
                        + hubSays;
            case "token_expired" ->
                "this registration token has expired; ask your admin for a new one" + " (engine tokens create …)"
                        + hubSays;
            case "token_revoked" ->
                "this registration token was revoked by an admin; ask your admin for a new one"
                        + " (engine tokens create …)" + hubSays;
            case "token_unknown" ->
                "the hub does not know this registration token; check you copied the whole"
                        + " token (it starts with exr_) and that --server points at the hub that issued it" + hubSays;
            case "rate_limited" ->
                "the hub is refusing registrations from here for now (too many attempts); try"
                        + " again in "
                        + (e.retryAfter().isZero() ? "a minute" : e.retryAfter().toSeconds() + " s")
                        + hubSays;
            case "bad_request" ->
                "the hub rejected the registration request: "
                        + (e.hubMessage().isEmpty() ? "bad request" : e.hubMessage())
                        + "; this agent may be too old or too new for the hub";
            default ->
                "registration failed: HTTP " + e.status() + " " + e.code() + hubSays
                        + "; check that --server is the hub's URL";
        };
    }

    static String unreachable(HubUnreachableException e, boolean pinned) {
        if (e.tls() && pinned) {
            return "the hub's certificate does not match --pin (" + e.reason() + "). Copy the fingerprint again from"
                    + " what engine serve prints; if the hub's certificate was replaced, use the new fingerprint";
        }
        if (e.tls()) {
            return "the hub's certificate is not trusted (" + e.reason() + "). If the hub uses its own"
                    + " self-signed certificate, pin the hub's fingerprint with --pin sha256:… (printed by engine"
                    + " serve) or pass --ca-file with the CA that signed it";
        }
        return "cannot reach the hub at " + e.url() + ": "
                + e.getCause().getClass().getSimpleName() + describe(e)
                + ". Check the URL, that `engine serve` runs, and your proxy settings (HTTPS_PROXY, NO_PROXY)";
    }

    private static String describe(HubUnreachableException e) {
        String message = e.getCause().getMessage();
        return message == null || message.isBlank() ? "" : " (" + message + ")";
    }
}
