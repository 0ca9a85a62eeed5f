/**
 * The local channel between the agent's system service and the session part each signed-in user runs
 * ({@code enginex-agent session}): a Unix domain socket on which each side proves who the other is
 * from the kernel's peer credentials (SO_PEERCRED), never from what the peer says. The service keeps
 * the connected sessions by user ({@link io.enginex.edge.agent.usersession.SessionRegistry}) and sends
 * session-bound tools' actions to the right one; the session part runs them with that user's rights,
 * re-checking them against the machine policy ({@link io.enginex.edge.agent.desktop.DesktopActions}).
 */
package io.enginex.edge.agent.usersession;
