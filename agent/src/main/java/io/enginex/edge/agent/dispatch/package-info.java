/**
 * Running the jobs the hub dispatches: acknowledge, consult the journal (at most once per job id),
 * run the tool on a virtual thread within its deadline, honour cancel, and report the outcome
 * ({@link io.enginex.edge.agent.dispatch.JobRunner}).
 */
package io.enginex.edge.agent.dispatch;
