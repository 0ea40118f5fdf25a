import assert from 'node:assert/strict';
import * as root from '../src/index.js';

describe('the root export budget', () => {
  it('exports at most 65 values from warrant, leaving room for the credential types to come', () => {
    const values = Object.keys(root);
    assert.ok(values.length <= 65, `warrant exports ${values.length} values: ${values.join(', ')}`);
  });
});
