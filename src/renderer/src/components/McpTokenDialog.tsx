import { useState, type ReactElement } from 'react';
import type { McpTokenOnce } from '../../../shared/model';
import { mcpSnippets } from '../lib/mcp-snippets';
import { Dialog } from './Dialog';

/** An MCP agent's new token, shown this once with what to paste into a client; closing forgets it. */
export function McpTokenDialog({
  once,
  endpoint,
  onClose,
}: {
  once: McpTokenOnce;
  endpoint: string;
  onClose(): void;
}): ReactElement {
  const [copied, setCopied] = useState<string | null>(null);
  const copy = (key: string, text: string): void => {
    void navigator.clipboard?.writeText(text).then(
      () => setCopied(key),
      () => setCopied(null),
    );
  };
  return (
    <Dialog title={`MCP token for ${once.agentId}`} onClose={onClose} size="large">
      <div className="notice notice-warn" role="note">
        <p className="notice-title">Copy it now: this token will not be shown again</p>
        <p className="notice-body">
          {'keychain' in once.storedIn
            ? `Deckhand keeps it in the keychain (${once.storedIn.keychain}). `
            : `This server has no keychain: Deckhand reads it from ${once.storedIn.env}. `}
          Lost it? Use Replace token on the agent; the old token then stops working.
        </p>
      </div>
      <div className="form-field">
        <span className="field-label">Token</span>
        <pre className="mcp-snippet mono" data-testid="mcp-token">
          {once.token}
        </pre>
        <div>
          <button
            type="button"
            className="button button-secondary button-small"
            onClick={() => copy('token', once.token)}
          >
            {copied === 'token' ? 'Copied' : 'Copy token'}
          </button>
        </div>
      </div>
      {mcpSnippets(once, endpoint).map((s) => (
        <div key={s.id} className="form-field mcp-snippet-block">
          <span className="field-label">{s.title}</span>
          <pre className="mcp-snippet mono" data-testid={`mcp-snippet-${s.id}`}>
            {s.text}
          </pre>
          <div>
            <button type="button" className="button button-secondary button-small" onClick={() => copy(s.id, s.text)}>
              {copied === s.id ? 'Copied' : 'Copy'}
            </button>
          </div>
        </div>
      ))}
      <p className="field-hint">More clients (Cursor, Gemini CLI) and the tools: docs/mcp.md.</p>
      <div className="dialog-foot">
        <button type="button" className="button button-primary" onClick={onClose}>
          I have copied it
        </button>
      </div>
    </Dialog>
  );
}
