import type { ReactElement, ReactNode } from 'react';

export interface FrameProps {
  header: ReactNode;
  nav: ReactNode;
  footer: ReactNode;
  children: ReactNode;
}

/** The fixed grid every view lives in: header, navigation, content, status bar. */
export function Frame({ header, nav, footer, children }: FrameProps): ReactElement {
  return (
    <div className="frame">
      {header}
      {nav}
      <main className="frame-main" id="main">
        {children}
      </main>
      {footer}
    </div>
  );
}
