/**
 * The component tests render with what the built renderer ships: `react` and `react-dom` are Preact's
 * compat layer here too (vitest.config.ts takes the aliases from vite.config.ts), Testing Library
 * included. If this fails, the tests would be passing against a React the users never run.
 */
import * as compat from 'preact/compat';
import * as compatClient from 'preact/compat/client';
import * as React from 'react';
import * as ReactDOM from 'react-dom';
import * as ReactDOMClient from 'react-dom/client';
import { describe, expect, it } from 'vitest';

describe('renderer test runtime', () => {
  it('is preact/compat, as in the shipped bundle', () => {
    expect(React.createElement).toBe(compat.createElement);
    expect(React.useLayoutEffect).toBe(compat.useLayoutEffect);
    expect(ReactDOM.createPortal).toBe(compat.createPortal);
    expect(ReactDOMClient.createRoot).toBe(compatClient.createRoot);
  });
});
