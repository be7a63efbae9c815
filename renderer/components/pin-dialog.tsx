/**
 * Asks for the FYERS PIN for one refresh when the user chose not to keep it in the keychain. The PIN
 * goes to main with this one request and is not kept by the renderer.
 */
import { useId, useState, type FormEvent } from 'react';
import { BROKERS } from '../../shared/brokers';
import type { AccountView } from '../../shared/domain';
import { Field } from './field';
import { Modal } from './modal';

export function PinDialog({
  account,
  onSubmit,
  onClose,
}: {
  account: AccountView;
  onSubmit: (pin: string) => void;
  onClose: () => void;
}) {
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | undefined>();
  const id = useId();
  const broker = BROKERS[account.broker].label;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!/^\d{4}$/.test(pin)) {
      setError(`the ${broker} PIN is 4 digits`);
      return;
    }
    onSubmit(pin);
  };
  return (
    <Modal
      title={`Refresh ${account.label}`}
      description={`${broker} needs your 4-digit PIN to renew the token. It is used for this refresh only and not stored.`}
      onClose={onClose}
    >
      <form className="dialog-form" onSubmit={submit} noValidate>
        <Field
          id={`${id}-pin`}
          label={`${broker} PIN`}
          type="password"
          inputMode="numeric"
          autoComplete="off"
          maxLength={4}
          value={pin}
          onValue={(v) => {
            setPin(v.replace(/\D/g, ''));
            setError(undefined);
          }}
          error={error}
          className="field-narrow"
          data-autofocus=""
        />
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary">
            Refresh now
          </button>
        </div>
      </form>
    </Modal>
  );
}
