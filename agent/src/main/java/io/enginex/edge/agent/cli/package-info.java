/**
 * The {@code enginex-agent} command line: {@code register}, {@code run} and {@code identity show}.
 * Commands parse options, build the parts from the other packages and map failures to exit codes
 * ({@link io.enginex.edge.agent.cli.ExitCodes}); they hold no logic of their own.
 */
package io.enginex.edge.agent.cli;
