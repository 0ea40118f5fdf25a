import { fileURLToPath } from 'node:url';
import { runNode, type Step } from '../tour.js';

/** The repository root, from dist/demo/steps/. */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export const edgeBundle: Step = {
  title: 'Edge runtimes: what a Cloudflare Worker using warrant costs to deploy',
  explain:
    'The edge entry signs with WebCrypto and calls fetch, so Workers, Deno, Bun and browsers run it; scripts/edge-sizes.mjs bundles the two Workers of docs/edge.md as wrangler would.',
  file: 'steps/edge.ts',
  async run({ show, check }) {
    const output = await runNode(['scripts/edge-sizes.mjs'], { cwd: ROOT });
    const lines = output.split('\n');
    for (const line of lines) {
      const [file, size] = line.split(': ');
      show(file.replace('docs/edge/', ''), size);
    }
    check(lines.length > 0 && lines.every((l) => /gzipped$/.test(l)), 'the Workers bundled');
  },
};
