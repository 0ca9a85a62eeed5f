/**
 * The agent as an installed service: the {@link io.enginex.edge.agent.service.StatusFile} the running
 * agent keeps in its state directory for {@code enginex-agent status}, and the {@link
 * io.enginex.edge.agent.service.StatusBoard} that writes it.
 */
package io.enginex.edge.agent.service;
