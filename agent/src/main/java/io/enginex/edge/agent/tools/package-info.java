/**
 * Local tools the hub can call: the {@link io.enginex.edge.agent.tools.Tool} contract, the {@link
 * io.enginex.edge.agent.tools.ToolRegistry} that validates arguments against each tool's JSON Schema
 * before it runs, and the built-in tools ({@code fs.list}, {@code fs.read}, {@code sys.info}).
 *
 * <p>Seams for later: {@link io.enginex.edge.agent.tools.BuiltinTools} is the one place the offered
 * list is assembled, so plug-in tools (a {@code ServiceLoader}) and the effective policy (tenant ∩
 * machine) narrow or extend that list there, before the registry is built.
 */
package io.enginex.edge.agent.tools;
