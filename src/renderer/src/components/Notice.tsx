import type { ReactElement, ReactNode } from 'react';

export interface NoticeProps {
  tone: 'info' | 'warn' | 'error';
  title: string;
  children?: ReactNode;
  action?: { label: string; onClick(): void };
}

/** An inline message. Errors are announced (role=alert); the rest are read in turn. */
export function Notice({ tone, title, children, action }: NoticeProps): ReactElement {
  return (
    <div className={`notice notice-${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      <div className="notice-text">
        <p className="notice-title">{title}</p>
        {children ? <div className="notice-body">{children}</div> : null}
      </div>
      {action ? (
        <button type="button" className="button button-secondary" onClick={action.onClick}>
          {action.label}
        </button>
      ) : null}
    </div>
  );
}
