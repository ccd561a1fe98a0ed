import { useId, type ReactElement, type ReactNode } from 'react';

export interface PanelProps {
  title: string;
  children: ReactNode;
  /** Extra text next to the title, such as a count. */
  aside?: ReactNode;
}

/** A titled card; the title names the region for assistive technology. */
export function Panel({ title, aside, children }: PanelProps): ReactElement {
  const id = useId();
  return (
    <section className="panel" aria-labelledby={id}>
      <div className="panel-head">
        <h2 className="panel-title" id={id}>
          {title}
        </h2>
        {aside ? <span className="panel-aside">{aside}</span> : null}
      </div>
      <div className="panel-body">{children}</div>
    </section>
  );
}
