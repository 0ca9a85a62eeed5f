package io.enginex.edge.server.cli;

import io.enginex.edge.server.HubException;
import io.enginex.edge.server.registration.EnrolmentRate;

/** Reads {@code 200/min} options, turning a bad value into a usage error that names the option. */
final class CliRates {
    private CliRates() {}

    static int parse(String text, String option) {
        try {
            return EnrolmentRate.parse(text, option);
        } catch (HubException.BadRequest e) {
            throw new CliException(e.getMessage(), CliException.USAGE);
        }
    }
}
