/**
 * The "pause local actions" switch the person at the machine controls: while paused the agent
 * refuses new jobs with {@code agent_paused} and tells the hub.
 */
package io.enginex.edge.agent.pause;
