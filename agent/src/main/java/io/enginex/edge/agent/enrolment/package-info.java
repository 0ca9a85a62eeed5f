/**
 * Silent enrolment for installs an admin rolls out: the admin-owned {@link
 * io.enginex.edge.agent.enrolment.AgentConfigFile} names the hub and a one-time registration token;
 * {@link io.enginex.edge.agent.enrolment.Enrolment} registers on the first start of the service, retries
 * with backoff while that fails (every failure logged with its reason), then deletes the token from
 * the file.
 */
package io.enginex.edge.agent.enrolment;
