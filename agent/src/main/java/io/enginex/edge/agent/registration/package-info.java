/**
 * Enrolling this device with a hub: a fresh Ed25519 key pair plus a one-time registration token are
 * traded for an agent id ({@link io.enginex.edge.agent.registration.Registrar}).
 */
package io.enginex.edge.agent.registration;
