/**
 * {@code enginex-agent doctor}: checks, in the order a connection needs them, everything between this
 * agent and its hub, each failure with its fix (docs/TROUBLESHOOTING.md lists them all).
 */
package io.enginex.edge.agent.doctor;
