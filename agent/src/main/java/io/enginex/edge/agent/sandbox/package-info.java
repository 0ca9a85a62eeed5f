/**
 * Confinement of file tools to the folder the person chose with {@code --root} ({@link
 * io.enginex.edge.agent.sandbox.FileRoot}). Default deny: with no root, file tools are not offered.
 * The policy sandbox (deny globs, write modes, Windows path forms) extends this package later.
 */
package io.enginex.edge.agent.sandbox;
