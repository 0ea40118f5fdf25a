/** File reads, on Node. Other runtimes get ./fs.web.ts, where they are Node-only errors. */
export { readFile } from 'node:fs/promises';
