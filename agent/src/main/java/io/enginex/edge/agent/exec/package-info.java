/**
 * Running the commands a policy names ({@link io.enginex.edge.agent.exec.CommandRunner}): fixed argument
 * vectors from templates, no shell, a scrubbed environment, a working folder inside a root, caps on
 * output and a timeout that kills the whole process tree.
 */
package io.enginex.edge.agent.exec;
