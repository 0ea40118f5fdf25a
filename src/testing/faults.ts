/**
 * Injected faults: a queue per route, and the misbehaviours that replace a normal answer.
 */
import type { ServerResponse } from 'node:http';
import { apiErrorBody, oauthErrorForStatus } from './google-errors.js';
import type { Fault } from './types.js';

/** Which error JSON a route speaks: the token endpoint's OAuth shape or Google APIs' shape. */
export type ErrorShape = 'oauth' | 'api';

/** Faults waiting per route; each request to a route consumes one unit of the head fault. */
export class FaultQueue {
  readonly #queues = new Map<string, { fault: Fault; remaining: number }[]>();

  add(route: string, fault: Fault): void {
    const count = fault.count ?? 1;
    if (!Number.isInteger(count) || count < 1) {
      throw new Error(`emulator: fault count must be a positive integer, got ${count}`);
    }
    const queue = this.#queues.get(route) ?? [];
    queue.push({ fault, remaining: count });
    this.#queues.set(route, queue);
  }

  /** The fault for the next request to `route`, if one is queued. */
  take(route: string): Fault | undefined {
    const queue = this.#queues.get(route);
    const head = queue?.[0];
    if (!queue || !head) return undefined;
    if (--head.remaining === 0) queue.shift();
    return head.fault;
  }

  clear(): void {
    this.#queues.clear();
  }
}

/** Whether the fault answers in place of the route (as opposed to only delaying or adding headers). */
export function replacesResponse(fault: Fault): boolean {
  return fault.status !== undefined || fault.body !== undefined;
}

/** The status and body a `status`/`body` fault answers with. */
export function faultResponse(fault: Fault, shape: ErrorShape): { status: number; body: string } {
  const status = fault.status ?? 200;
  if (fault.body !== undefined) return { status, body: fault.body };
  const error = shape === 'oauth' ? oauthErrorForStatus(status).toBody() : apiErrorBody(status);
  return { status, body: JSON.stringify(error) };
}

const PARTIAL_SOURCE = JSON.stringify({
  access_token: 'ya29.cut-short',
  expires_in: 3599,
  token_type: 'Bearer',
});

/**
 * Sends the status, headers and the first half of a JSON body (announcing its full length),
 * then destroys the socket: the client sees the connection reset mid-body.
 */
export function resetMidBody(res: ServerResponse, fault: Fault): void {
  const full = Buffer.from(fault.body ?? PARTIAL_SOURCE);
  res.writeHead(fault.status ?? 200, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(full.length),
    ...fault.headers,
  });
  res.flushHeaders();
  res.write(full.subarray(0, Math.floor(full.length / 2)), () => res.socket?.destroy());
}
