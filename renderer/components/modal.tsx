/**
 * An accessible modal dialog: labelled by its heading, focus moves in on open (to the element marked
 * `data-autofocus`, else the first field), Tab and Shift+Tab stay inside, Escape closes, everything
 * behind it is `inert`, and focus returns to the button that opened it when it closes.
 */
import {
  useEffect,
  useId,
  useLayoutEffect,
  useRef,
  type KeyboardEvent,
  type ReactNode,
} from 'react';
import { createPortal } from 'react-dom';

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

export function focusableIn(root: HTMLElement): HTMLElement[] {
  return Array.from(root.querySelectorAll<HTMLElement>(FOCUSABLE)).filter(
    (el) => !el.closest('[inert]') && !el.hidden,
  );
}

export interface ModalProps {
  readonly title: ReactNode;
  readonly onClose: () => void;
  readonly children: ReactNode;
  /** Secondary line under the title. */
  readonly description?: ReactNode;
  readonly wide?: boolean;
  /** Where focus goes after closing when the opener is gone (e.g. the account was removed). */
  readonly fallbackFocus?: () => HTMLElement | null;
}

export function Modal({ title, onClose, children, description, wide, fallbackFocus }: ModalProps) {
  const titleId = useId();
  const descId = useId();
  const dialogRef = useRef<HTMLDivElement>(null);
  const onCloseRef = useRef(onClose);
  const fallbackRef = useRef(fallbackFocus);
  useEffect(() => {
    onCloseRef.current = onClose;
    fallbackRef.current = fallbackFocus;
  });

  // A layout effect: the page behind is inert and focus is inside in the same commit that shows the
  // dialog (Preact, which ships, runs plain effects only after the next paint: a keystroke in between
  // would reach the page behind).
  useLayoutEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const host = dialog.closest<HTMLElement>('.modal-layer');

    // Everything else on the page is unreachable while the dialog is open.
    const others = Array.from(document.body.children).filter(
      (el): el is HTMLElement =>
        el instanceof HTMLElement && el !== host && !el.hasAttribute('inert'),
    );
    for (const el of others) el.setAttribute('inert', '');
    // The page behind must not scroll under the dialog.
    document.body.classList.add('modal-open');

    const first =
      dialog.querySelector<HTMLElement>('[data-autofocus]') ?? focusableIn(dialog)[0] ?? dialog;
    first.focus();

    return () => {
      for (const el of others) el.removeAttribute('inert');
      document.body.classList.remove('modal-open');
      const target = opener?.isConnected ? opener : (fallbackRef.current?.() ?? null);
      target?.focus();
    };
  }, []);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      e.preventDefault();
      onCloseRef.current();
      return;
    }
    if (e.key !== 'Tab' || !dialogRef.current) return;
    const items = focusableIn(dialogRef.current);
    const firstItem = items[0];
    const lastItem = items[items.length - 1];
    if (!firstItem || !lastItem) {
      e.preventDefault();
      return;
    }
    const active = document.activeElement;
    if (e.shiftKey && (active === firstItem || active === dialogRef.current)) {
      e.preventDefault();
      lastItem.focus();
    } else if (!e.shiftKey && active === lastItem) {
      e.preventDefault();
      firstItem.focus();
    }
  };

  return createPortal(
    <div className="modal-layer">
      {/* No close on backdrop click: a stray click must not throw away a half-filled form. */}
      <div className="modal-backdrop" aria-hidden="true" />
      <div
        ref={dialogRef}
        className={`modal${wide ? ' modal-wide' : ''}`}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={description ? descId : undefined}
        tabIndex={-1}
        onKeyDown={onKeyDown}
      >
        <div className="modal-header">
          <h2 id={titleId} className="modal-title">
            {title}
          </h2>
          {description ? (
            <p id={descId} className="modal-description">
              {description}
            </p>
          ) : null}
          <button
            type="button"
            className="icon-button modal-close"
            aria-label="Close"
            onClick={() => onCloseRef.current()}
          >
            <svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true" focusable="false">
              <path d="m2 2 10 10M12 2 2 12" stroke="currentColor" strokeWidth="2" />
            </svg>
          </button>
        </div>
        <div className="modal-body">{children}</div>
      </div>
    </div>,
    document.body,
  );
}
