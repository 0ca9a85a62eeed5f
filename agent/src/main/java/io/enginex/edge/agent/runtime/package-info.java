/**
 * The agent's composition root: {@link io.enginex.edge.agent.runtime.AgentRuntime} builds every part
 * of a running agent (status board, enrolment, identity, policy and tools, journal, job runner,
 * status page, connection, key rotation) from an immutable {@link
 * io.enginex.edge.agent.runtime.RunConfig} and the {@link io.enginex.edge.agent.runtime.RunEnvironment}
 * it is given (clock, environment, process groups, output), and runs them until stopped. The
 * command line ({@code cli}) is a thin adapter over it.
 *
 * <p>Public surface: {@code AgentRuntime}, {@code RunConfig}, {@code RunEnvironment}, {@code
 * RunOutcome}, and {@code AgentTools} / {@code PolicySetup}, which {@code policy show} shares so it
 * shows what {@code run} would offer. Everything else here is package-private wiring.
 */
package io.enginex.edge.agent.runtime;
