/**
 * The {@code enginex-agent} command line: {@code register}, {@code run}, {@code identity}, {@code
 * policy}, {@code status} and the rest. Commands parse options, build the parts from the other
 * packages (for {@code run}, the {@link io.enginex.edge.agent.runtime.AgentRuntime}) and map failures
 * to exit codes ({@link io.enginex.edge.agent.cli.ExitCodes}); they hold no logic of their own.
 */
package io.enginex.edge.agent.cli;
