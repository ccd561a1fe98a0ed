import type { BoardTypeInfo } from '../../../shared/board-types';

/**
 * Board types and the settings each needs. Field keys match the config's board
 * entry (`url`, `project`, `username`, `token`, `webhook.token`, `columns.*`),
 * so a board saved from the UI and one written in a config file are the same thing.
 */
export const BOARD_TYPE_INFO: readonly BoardTypeInfo[] = [
  {
    type: 'local',
    label: 'Deckhand local board',
    available: true,
    fields: [],
  },
  {
    type: 'kanboard',
    label: 'Kanboard',
    available: true,
    fields: [
      {
        key: 'url',
        label: 'JSON-RPC URL',
        kind: 'url',
        required: true,
        placeholder: 'https://kanboard.example.com/jsonrpc.php',
      },
      { key: 'project', label: 'Project', kind: 'number-or-text', required: true, help: 'Project name or numeric id' },
      {
        key: 'username',
        label: 'Username',
        kind: 'text',
        required: true,
        placeholder: 'jsonrpc',
        help: '"jsonrpc" with the application API token, or your user name with a personal access token',
      },
      { key: 'token', label: 'API token', kind: 'secret', required: true, help: 'Stored in the OS keychain' },
      {
        key: 'webhook.token',
        label: 'Webhook token',
        kind: 'secret',
        required: false,
        help: "From Kanboard's Settings > Webhooks; lets Deckhand verify deliveries",
      },
      {
        key: 'columns.working',
        label: 'Working column',
        kind: 'text',
        required: false,
        placeholder: 'Work in progress',
      },
      { key: 'columns.review', label: 'Review column', kind: 'text', required: false, placeholder: 'Ready for Review' },
      {
        key: 'columns.blocked',
        label: 'Blocked column',
        kind: 'text',
        required: false,
        placeholder: 'Blocked — Needs Input',
      },
    ],
  },
];

export function boardTypeInfo(type: string): BoardTypeInfo | undefined {
  return BOARD_TYPE_INFO.find((t) => t.type === type);
}
