/**
 * JSON parsing for token segments, stricter than `JSON.parse`: the value must be an object and
 * no object in it may repeat a key. `JSON.parse` silently keeps the last of two equal keys, so
 * two parsers reading the same token could disagree on its claims; we refuse such tokens.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;

/** Why a text is not a plain JSON object without repeated keys. */
export type JsonObjectProblem = 'not JSON' | 'not a JSON object' | 'a repeated key';

/** Parses `text` as a JSON object without repeated keys; returns the problem instead on failure. */
export function parseJsonObject(text: string): Record<string, unknown> | JsonObjectProblem {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // The SyntaxError quotes the input, so it is dropped rather than kept as a cause.
    return 'not JSON';
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return 'not a JSON object';
  }
  return hasRepeatedKey(text, Object.keys(value).length)
    ? 'a repeated key'
    : (value as Record<string, unknown>);
}

/** An open container during the scan: an array, the outermost object, or a nested object's keys. */
type Container = 'array' | 'root' | Set<string>;

/**
 * Whether any object in `text`, the valid JSON text of an object with `rootKeyCount` distinct
 * keys, names a key twice. The outermost object, where claims live, is checked by counting its
 * key strings, which costs no allocation; nested objects by collecting their keys.
 */
export function hasRepeatedKey(text: string, rootKeyCount: number): boolean {
  const open: Container[] = [];
  let rootKeys = 0;
  let atKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const start = i;
      i = closingQuote(text, start);
      if (!atKey) continue;
      atKey = false;
      const keys = open[open.length - 1];
      if (keys === 'root') {
        rootKeys++;
      } else if (keys !== 'array') {
        const raw = text.slice(start + 1, i);
        const key = raw.includes('\\') ? (JSON.parse(text.slice(start, i + 1)) as string) : raw;
        if (keys.has(key)) return true;
        keys.add(key);
      }
    } else if (c === OPEN_BRACE) {
      open.push(open.length === 0 ? 'root' : new Set());
      atKey = true;
    } else if (c === OPEN_BRACKET) {
      open.push('array');
      atKey = false;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      open.pop();
    } else if (c === COMMA) {
      atKey = open[open.length - 1] !== 'array';
    }
  }
  return rootKeys !== rootKeyCount;
}

/** The index of the quote that closes the string opening at `start`. */
function closingQuote(text: string, start: number): number {
  let end = text.indexOf('"', start + 1);
  while (isEscaped(text, end)) end = text.indexOf('"', end + 1);
  return end;
}

/** Whether the character at `index` is escaped: preceded by an odd run of backslashes. */
function isEscaped(text: string, index: number): boolean {
  let backslashes = 0;
  while (text.charCodeAt(index - 1 - backslashes) === BACKSLASH) backslashes++;
  return backslashes % 2 === 1;
}
