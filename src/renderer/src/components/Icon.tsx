import type { ReactElement } from 'react';

export type IconName =
  'inbox' | 'activity' | 'conflicts' | 'ownership' | 'agents' | 'boards' | 'board' | 'settings' | 'pause' | 'play';

const PATHS: Record<IconName, ReactElement> = {
  inbox: (
    <>
      <path d="M2 9l2-6h8l2 6v4H2z" />
      <path d="M2 9h3.5l1 1.5h3l1-1.5H14" />
    </>
  ),
  activity: <path d="M2 8h3l2-5 2 10 2-5h3" />,
  conflicts: (
    <>
      <path d="M8 2.5l6 10.5H2z" />
      <path d="M8 6.5v3M8 11.5v0" />
    </>
  ),
  ownership: (
    <>
      <circle cx="8" cy="5" r="2.5" />
      <path d="M3 14c0-2.8 2.2-4.5 5-4.5s5 1.7 5 4.5" />
    </>
  ),
  agents: (
    <>
      <rect x="3" y="5" width="10" height="8" rx="2" />
      <path d="M8 2v3M6 9h0M10 9h0" />
    </>
  ),
  boards: (
    <>
      <rect x="2" y="2.5" width="12" height="11" rx="1.5" />
      <path d="M6 2.5v11M10 2.5v11" />
    </>
  ),
  board: (
    <>
      <rect x="2" y="2.5" width="12" height="11" rx="1.5" />
      <path d="M2 6h12M5 9h3M5 11h5" />
    </>
  ),
  settings: (
    <>
      <circle cx="8" cy="8" r="2" />
      <path d="M8 1.5v2M8 12.5v2M1.5 8h2M12.5 8h2M3.4 3.4l1.4 1.4M11.2 11.2l1.4 1.4M3.4 12.6l1.4-1.4M11.2 4.8l1.4-1.4" />
    </>
  ),
  pause: <path d="M6 3.5v9M10 3.5v9" />,
  play: <path d="M5 3.5l7 4.5-7 4.5z" />,
};

/** A 16px line icon; decorative, so screen readers skip it. */
export function Icon({ name }: { name: IconName }): ReactElement {
  return (
    <svg
      className="icon"
      width="16"
      height="16"
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.5"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {PATHS[name]}
    </svg>
  );
}
