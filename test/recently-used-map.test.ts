import assert from 'node:assert/strict';
import { RecentlyUsedMap } from '../src/recently-used-map.js';
import { audienceOf } from '../src/service-account/audience.js';

interface Held {
  n: number;
  recentlyUsed: boolean;
}
const held = (n: number): Held => ({ n, recentlyUsed: false });

describe('RecentlyUsedMap', () => {
  it('never holds more than max entries, dropping the oldest unused one first', () => {
    const map = new RecentlyUsedMap<string, Held>(3);
    for (const [i, key] of ['a', 'b', 'c', 'd', 'e'].entries()) map.set(key, held(i));
    assert.equal(map.size, 3);
    assert.deepEqual(
      ['a', 'b', 'c', 'd', 'e'].map((key) => map.get(key)?.n),
      [undefined, undefined, 2, 3, 4],
    );
  });

  it('keeps an entry read since the last eviction and drops an unread older one instead', () => {
    const map = new RecentlyUsedMap<string, Held>(3);
    map.set('a', held(1));
    map.set('b', held(2));
    map.set('c', held(3));
    assert.equal(map.get('a')?.n, 1);
    map.set('d', held(4));
    assert.equal(map.get('b'), undefined);
    assert.equal(map.get('a')?.n, 1);
    assert.equal(map.size, 3);
  });

  it('evicts even when every entry was read, after one pass that clears the marks', () => {
    const map = new RecentlyUsedMap<number, Held>(100);
    for (let i = 0; i < 100; i++) map.set(i, held(i));
    for (let i = 0; i < 100; i++) map.get(i);
    map.set(100, held(100));
    assert.equal(map.size, 100);
    assert.equal(map.get(0), undefined);
    assert.equal(map.get(100)?.n, 100);
  });

  it('replaces the value of a key it holds in place, counting the write as a use', () => {
    const map = new RecentlyUsedMap<string, Held>(2);
    map.set('a', held(1));
    map.set('b', held(2));
    map.set('a', held(10));
    map.set('c', held(3));
    assert.deepEqual(
      ['a', 'b', 'c'].map((key) => map.get(key)?.n),
      [10, undefined, 3],
    );
  });

  it('stays bounded over a rotation of 10 times its size', () => {
    const map = new RecentlyUsedMap<number, Held>(1_000);
    for (let i = 0; i < 10_000; i++) {
      if (map.get(i % 1_500) === undefined) map.set(i % 1_500, held(i));
      assert.ok(map.size <= 1_000);
    }
  });

  it('refuses a bound below 1 or not whole', () => {
    assert.throws(() => new RecentlyUsedMap(0), RangeError);
    assert.throws(() => new RecentlyUsedMap(1.5), RangeError);
  });
});

describe('audienceOf (the self-signed JWT audience of a request URL)', () => {
  const asTheUrlStandardSays = (urls: string[]) => {
    for (const url of urls) assert.equal(audienceOf(url), `${new URL(url).origin}/`, url);
  };

  it('reads the common form off the string exactly as new URL(url).origin gives it', () => {
    asTheUrlStandardSays([
      'https://pubsub.googleapis.com/v1/projects/p/topics',
      'https://storage.googleapis.com',
      'https://storage.googleapis.com/',
      'https://storage.googleapis.com?x=1',
      'https://storage.googleapis.com#f',
      'http://api-1.example.test/x',
      'https://a.b.c.d.e.example/x/y?z#w',
      'https://1.2.3.example/x',
    ]);
  });

  it('parses every other form as the URL standard does', () => {
    asTheUrlStandardSays([
      'https://API.Example.com/x',
      'HTTPS://api.example.com/x',
      'https://api.example.com:443/x',
      'https://api.example.com:8443/x',
      'http://127.0.0.1:8080/x',
      'https://0x7f.1/x',
      'https://1.2.3/x',
      'https://user:pass@api.example.com/x',
      'https://api.example.com./x',
      'https://xn--nxasmq6b.example/x',
      'https://a.xn--p1ai/x',
      'https://abcxn--d.example/x',
      'https://[::1]:9000/x',
      'https:///api.example.com/x',
      'https://api.example.com\\x',
      'https://bücher.example/x',
    ]);
  });

  it('throws what new URL throws for a URL that is not one', () => {
    assert.throws(() => audienceOf('https://exa mple.com/'), TypeError);
    assert.throws(() => audienceOf('not a url'), TypeError);
  });
});
