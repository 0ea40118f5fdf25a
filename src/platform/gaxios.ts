import type { Gaxios } from 'gaxios';

/** A gaxios instance, imported on first use (it costs import time most programs never need). */
export function loadGaxios(): Promise<Gaxios> {
  return import('gaxios').then(({ Gaxios }) => new Gaxios());
}
