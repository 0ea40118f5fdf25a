import assert from 'node:assert/strict';

// Guards the test toolchain itself: mocha may load a spec with require() before the ESM loader,
// and a .ts file that also parses as JavaScript would then run untranspiled.
describe('test toolchain', () => {
  it('transpiles TypeScript generics in specs instead of running them as comparisons', () => {
    const identity = <T>(value: T): T => value;
    assert.equal(identity<{ a: string }>({ a: 'x' }).a, 'x');
  });
});
