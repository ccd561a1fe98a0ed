import {
  useEffect,
  useId,
  useLayoutEffect,
  useRef,
  type KeyboardEvent,
  type ReactElement,
  type ReactNode,
} from 'react';

export interface DialogProps {
  title: string;
  /** Esc, the close button, and Cancel all call this; the parent unmounts the dialog. */
  onClose(): void;
  children: ReactNode;
  /** Wider for forms with two columns. */
  size?: 'small' | 'large';
  /** The element to focus first; defaults to the first field or button in the body. */
  initialFocus?: string;
}

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])';

/**
 * A modal dialog on the native <dialog>: the page behind is inert, Tab and
 * Shift+Tab stay inside, Esc closes, and focus goes back to whatever opened
 * it. Mount it to open, unmount to close.
 */
export function Dialog({ title, onClose, children, size = 'small', initialFocus }: DialogProps): ReactElement {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();

  useLayoutEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    const first =
      (initialFocus ? dialog.querySelector<HTMLElement>(initialFocus) : null) ??
      dialog.querySelector<HTMLElement>(`.dialog-body ${FOCUSABLE.split(', ').join(', .dialog-body ')}`);
    first?.focus();
    return () => {
      if (dialog.open) dialog.close();
      // The opener may have moved (a card that changed column); then the parent decides where focus goes.
      if (opener?.isConnected) opener.focus();
    };
    // Runs once per opening; the initial focus is read then.
  }, []); // eslint-disable-line react-hooks/exhaustive-deps

  // Native Esc closes the dialog without React knowing; turn it into onClose instead.
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const onCancel = (event: Event): void => {
      event.preventDefault();
      onClose();
    };
    dialog.addEventListener('cancel', onCancel);
    return () => dialog.removeEventListener('cancel', onCancel);
  }, [onClose]);

  const onKeyDown = (event: KeyboardEvent<HTMLDialogElement>): void => {
    if (event.key === 'Escape') {
      event.preventDefault();
      onClose();
      return;
    }
    if (event.key !== 'Tab') return;
    const items = [...(ref.current?.querySelectorAll<HTMLElement>(FOCUSABLE) ?? [])].filter(
      (el) => el.offsetParent !== null || el === document.activeElement,
    );
    if (items.length === 0) return;
    const first = items[0]!;
    const last = items[items.length - 1]!;
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  };

  return (
    <dialog ref={ref} className={`dialog dialog-${size}`} aria-labelledby={titleId} onKeyDown={onKeyDown}>
      <div className="dialog-head">
        <h2 className="dialog-title" id={titleId}>
          {title}
        </h2>
        <button type="button" className="button button-ghost dialog-close" onClick={onClose} aria-label="Close dialog">
          ✕
        </button>
      </div>
      <div className="dialog-body">{children}</div>
    </dialog>
  );
}
