import type { ReactElement } from 'react';
import { Icon, type IconName } from './Icon';

export interface NavItem<Id extends string> {
  id: Id;
  label: string;
  icon: IconName;
  /** A count worth attention (open conflicts); hidden when zero or absent. */
  badge?: number;
  badgeLabel?: string;
}

export interface NavMenuProps<Id extends string> {
  items: readonly NavItem<Id>[];
  footerItems?: readonly NavItem<Id>[];
  current: Id;
  onSelect(id: Id): void;
}

function NavButton<Id extends string>({
  item,
  current,
  onSelect,
}: {
  item: NavItem<Id>;
  current: Id;
  onSelect(id: Id): void;
}): ReactElement {
  const active = item.id === current;
  return (
    <li>
      <button
        type="button"
        className="nav-item"
        aria-current={active ? 'page' : undefined}
        onClick={() => onSelect(item.id)}
      >
        <Icon name={item.icon} />
        <span className="nav-label">{item.label}</span>
        {item.badge ? (
          <span className="nav-badge">
            {item.badge}
            <span className="visually-hidden"> {item.badgeLabel ?? ''}</span>
          </span>
        ) : null}
      </button>
    </li>
  );
}

/** The left navigation: real buttons in a list, so Tab, Enter and screen readers work as expected. */
export function NavMenu<Id extends string>({
  items,
  footerItems = [],
  current,
  onSelect,
}: NavMenuProps<Id>): ReactElement {
  return (
    <nav className="frame-nav" aria-label="Views">
      <ul className="nav-list">
        {items.map((item) => (
          <NavButton key={item.id} item={item} current={current} onSelect={onSelect} />
        ))}
      </ul>
      {footerItems.length > 0 ? (
        <ul className="nav-list nav-list-footer">
          {footerItems.map((item) => (
            <NavButton key={item.id} item={item} current={current} onSelect={onSelect} />
          ))}
        </ul>
      ) : null}
    </nav>
  );
}
