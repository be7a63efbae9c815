/**
 * A labelled input with its hint and its error wired up for assistive technology: the label names
 * the input, the hint and the error describe it, and `aria-invalid` marks it while it is wrong.
 */
import type { InputHTMLAttributes, ReactNode } from 'react';

export interface FieldProps extends Omit<
  InputHTMLAttributes<HTMLInputElement>,
  'id' | 'onChange' | 'value'
> {
  readonly id: string;
  readonly label: ReactNode;
  readonly value: string;
  readonly onValue: (value: string) => void;
  readonly hint?: ReactNode;
  readonly error?: string | undefined;
  /** Something beside the input, e.g. a "Choose file…" button. */
  readonly after?: ReactNode;
  readonly className?: string;
}

export function Field({
  id,
  label,
  value,
  onValue,
  hint,
  error,
  after,
  className,
  ...input
}: FieldProps) {
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [error ? errorId : null, hint ? hintId : null].filter(Boolean).join(' ');
  return (
    <div className={`field${className ? ` ${className}` : ''}${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      <div className="field-control">
        <input
          id={id}
          value={value}
          onChange={(e) => onValue(e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy || undefined}
          {...input}
        />
        {after}
      </div>
      {error ? (
        <p id={errorId} className="field-error">
          <ErrorIcon /> {capitalise(error)}
        </p>
      ) : null}
      {hint ? (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

export function Checkbox({
  id,
  label,
  checked,
  onChecked,
  hint,
}: {
  id: string;
  label: ReactNode;
  checked: boolean;
  onChecked: (checked: boolean) => void;
  hint?: ReactNode;
}) {
  const hintId = `${id}-hint`;
  return (
    <div className="checkbox">
      <input
        id={id}
        type="checkbox"
        checked={checked}
        onChange={(e) => onChecked(e.target.checked)}
        aria-describedby={hint ? hintId : undefined}
      />
      <div>
        <label htmlFor={id}>{label}</label>
        {hint ? (
          <div id={hintId} className="field-hint">
            {hint}
          </div>
        ) : null}
      </div>
    </div>
  );
}

export function ErrorIcon() {
  return (
    <svg
      className="error-icon"
      width="14"
      height="14"
      viewBox="0 0 14 14"
      aria-hidden="true"
      focusable="false"
    >
      <circle cx="7" cy="7" r="6.2" fill="currentColor" />
      <path d="M7 3.6v4.2M7 9.6v.9" strokeWidth="1.7" className="error-icon-mark" />
    </svg>
  );
}

export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
