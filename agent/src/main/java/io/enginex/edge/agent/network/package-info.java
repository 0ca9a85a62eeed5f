/**
 * The network allowlist for {@code http.request} ({@link io.enginex.edge.agent.network.NetworkGuard}):
 * which URLs may be fetched, checked on the URL as written and on the addresses its name resolves to.
 */
package io.enginex.edge.agent.network;
