/** Process warnings, on Node. Other runtimes get ./warning.web.ts (the console). */
export function emitWarning(warning: string | Error): void {
  process.emitWarning(warning);
}
