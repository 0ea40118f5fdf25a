/**
 * A guard on global fetch for the bench process: anything but 127.0.0.1 is refused, so a
 * library that ignored the bench's endpoints fails loudly instead of reaching the internet.
 * It wraps every contender's requests alike (one URL parse each).
 */
export function allowLoopbackOnly(): void {
  const realFetch = globalThis.fetch;
  globalThis.fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.hostname !== '127.0.0.1') {
      return Promise.reject(new Error(`bench: refused a request to ${url.origin} (loopback only)`));
    }
    return realFetch(input, init);
  };
}
