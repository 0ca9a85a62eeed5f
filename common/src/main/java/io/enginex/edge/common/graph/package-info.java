/**
 * The graph format, shared by the hub (which checks graphs on upload) and the agent (which runs
 * them): {@link io.enginex.edge.common.graph.GraphFormat} reads a graph's JSON against {@code
 * graph.schema.json} and the rules a schema cannot say, naming the line and JSON pointer of every
 * problem; {@link io.enginex.edge.common.graph.Graph} is the checked result. See docs/GRAPHS.md.
 */
package io.enginex.edge.common.graph;
