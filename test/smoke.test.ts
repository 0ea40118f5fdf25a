import assert from 'node:assert/strict';
import { refreshDeadline } from '../src/credentials/credentials.js';

describe('smoke', () => {
  it('keeps a 120 s token for 60 s', () => {
    assert.equal(refreshDeadline(120_000, 0), 60_000);
  });
  it('parses generics as TypeScript', () => {
    const id = <T>(x: T): T => x;
    assert.equal(id<{ a: string }>({ a: 'x' }).a, 'x');
  });
});
