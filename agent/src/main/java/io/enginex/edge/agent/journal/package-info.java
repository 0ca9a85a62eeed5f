/**
 * The durable record of which jobs this agent started and how they ended ({@link
 * io.enginex.edge.agent.journal.JobJournal}), which makes execution at most once per job id even
 * though the hub delivers at least once.
 */
package io.enginex.edge.agent.journal;
