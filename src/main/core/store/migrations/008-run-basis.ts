import type { Migration } from '../migrate';

/**
 * Each provider round records its basis (the task as the run read it before
 * calling the provider) and what a person changed on the task while the agent
 * worked. The basis is the merge base of every write the round plans, so a
 * person's edit made meanwhile is never mistaken for the value to replace.
 *
 * An update's outbox entry records the merge decision it is about to send, so a
 * retry after a lost answer sees what landed instead of merging again.
 */
export const migration008RunBasis: Migration = {
  version: 8,
  name: 'run-basis',
  up(db) {
    db.exec(`
      ALTER TABLE agent_steps ADD COLUMN basis_json TEXT;
      ALTER TABLE agent_steps ADD COLUMN changes_json TEXT;
      ALTER TABLE outbox ADD COLUMN sent_json TEXT;
    `);
  },
};
