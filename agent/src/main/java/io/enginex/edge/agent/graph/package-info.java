/**
 * Offline graphs: a DAG of tool calls the agent runs by itself, under the same tools, sandbox and
 * policy as the hub's jobs, journaled step by step so that a crash never runs a non-idempotent step
 * twice. {@link io.enginex.edge.common.graph.GraphFormat} (shared with the hub) reads and checks a
 * graph, {@link io.enginex.edge.agent.graph.GraphRunner} runs it, {@link
 * io.enginex.edge.agent.graph.RunJournal} keeps its runs. See docs/GRAPHS.md.
 */
package io.enginex.edge.agent.graph;
