/**
 * The local audit log: one JSON line per tool invocation, allowed or refused ({@link
 * io.enginex.edge.agent.audit.AuditLog}).
 */
package io.enginex.edge.agent.audit;
