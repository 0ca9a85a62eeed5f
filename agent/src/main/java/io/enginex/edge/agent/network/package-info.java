/**
 * The network allowlist for {@code http.request} ({@link io.enginex.edge.agent.network.NetworkGuard}):
 * which URLs may be fetched, checked on the URL as written and on the addresses its name resolves to;
 * and the HTTP client that connects only to those checked addresses ({@link
 * io.enginex.edge.agent.network.PinnedHttpClient}).
 */
package io.enginex.edge.agent.network;
