import type { ReactElement, ReactNode } from 'react';

export interface PageProps {
  title: string;
  description?: ReactNode;
  /** Controls on the right of the title (a board picker, a refresh button). */
  actions?: ReactNode;
  children: ReactNode;
  /** The page fills the window's height (a long list that scrolls inside), instead of scrolling as a whole. */
  fill?: boolean;
  /** Full width, for wide content such as a board's columns. */
  wide?: boolean;
}

/** One view's page: its heading (the only h1 on screen), a line saying what it is for, then content. */
export function Page({ title, description, actions, children, fill = false, wide = false }: PageProps): ReactElement {
  return (
    <div className={`page${fill ? ' page-fill' : ''}${wide ? ' page-wide' : ''}`}>
      <div className="page-head">
        <div>
          <h1 className="page-title">{title}</h1>
          {description ? <p className="page-description">{description}</p> : null}
        </div>
        {actions ? <div className="page-actions">{actions}</div> : null}
      </div>
      {children}
    </div>
  );
}
