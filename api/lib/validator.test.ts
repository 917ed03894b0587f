import { findNul } from './validator';

describe('findNul', () => {
  it('finds U+0000 in nested values and keys, with a JSON-pointer path', () => {
    expect(findNul('plain')).toBeNull();
    expect(findNul({ a: [1, 'x', { b: 'ok' }], c: null })).toBeNull();
    expect(findNul('a\u0000')).toBe('/');
    expect(findNul({ a: [1, 'x', { b: 'o\u0000k' }] })).toBe('/a/2/b');
    expect(findNul({ 'we/ird~': 'x\u0000' })).toBe('/we~1ird~0');
    expect(findNul({ ['k\u0000']: 1 })).toBe('/k\u0000');
  });
});
