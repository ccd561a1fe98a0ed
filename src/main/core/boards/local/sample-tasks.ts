import type { NewTaskFields } from './types';

/**
 * What a brand-new embedded board shows, so the first screen is not empty and
 * explains itself. Statuses are default column names.
 */
export const SAMPLE_TASKS: readonly NewTaskFields[] = [
  {
    title: 'Welcome to Deckhand',
    description:
      'This is your local board. People edit it here, and agents work on it through Deckhand. ' +
      'Move cards between columns, edit them, or delete these samples when you are done.',
    status: 'To do',
    priority: 1,
    labels: ['getting-started'],
  },
  {
    title: 'Ask an agent for help',
    description:
      'Tasks labelled needs-ai are candidates for an agent. Its notes appear in the agent notes field, ' +
      'and it never rewrites your title or description.',
    status: 'To do',
    priority: 2,
    labels: ['getting-started', 'needs-ai'],
  },
  {
    title: 'Review what an agent did',
    description: 'Work waiting for a person lands in Ready for Review. Blocked tasks wait in Blocked — Needs Input.',
    status: 'Backlog',
    labels: ['getting-started'],
  },
  {
    title: 'Connect your own board (optional)',
    description:
      'Already use an external board? Add it in the configuration; this local board keeps working either way.',
    status: 'Backlog',
    labels: ['getting-started'],
  },
];
