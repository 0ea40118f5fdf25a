import { parseArgs } from 'node:util';
import { UsageError } from './usage.js';

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
  'client-secrets': { type: 'string' },
  scopes: { type: 'string' },
  'no-browser': { type: 'boolean' },
  device: { type: 'boolean' },
  'save-adc': { type: 'boolean' },
  port: { type: 'string' },
  timeout: { type: 'string' },
  audience: { type: 'string' },
  'auth-uri': { type: 'string' },
  'token-uri': { type: 'string' },
  'device-uri': { type: 'string' },
  'revoke-uri': { type: 'string' },
  'token-info-uri': { type: 'string' },
  dir: { type: 'string' },
} as const;

export type OptionName = keyof typeof OPTIONS;

/** The parsed command line: the command and its options, by their flag names. */
export interface CommandLine {
  command?: string;
  options: Partial<Record<OptionName, string | boolean>>;
}

/** Parses argv strictly: unknown flags and stray arguments are usage errors. */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(parseArgsProblem(error, argv));
  }
  const [command, ...extra] = parsed.positionals;
  if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
  return { command, options: parsed.values };
}

/** Rejects options the command does not take, so a typo'd combination is not silently ignored. */
export function allowOnly(line: CommandLine, allowed: readonly OptionName[]): void {
  for (const name of Object.keys(line.options) as OptionName[]) {
    if (!allowed.includes(name)) {
      throw new UsageError(`option --${name} does not apply to '${line.command}'`);
    }
  }
}

export function stringOption(line: CommandLine, name: OptionName): string | undefined {
  const value = line.options[name];
  return typeof value === 'string' ? value : undefined;
}

export function requiredOption(line: CommandLine, name: OptionName): string {
  const value = stringOption(line, name);
  if (!value) throw new UsageError(`'${line.command}' needs --${name}`);
  return value;
}

/** Scopes from `--scopes`, comma- or space-separated; undefined when not given. */
export function scopesOption(line: CommandLine): string[] | undefined {
  const value = stringOption(line, 'scopes');
  if (value === undefined) return undefined;
  const scopes = value.split(/[\s,]+/).filter((s) => s !== '');
  if (scopes.length === 0) throw new UsageError('--scopes is empty');
  return scopes;
}

/** A whole number option within [min, max]. */
export function integerOption(
  line: CommandLine,
  name: OptionName,
  min: number,
  max: number,
): number | undefined {
  const value = stringOption(line, name);
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < min || number > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got '${value}'`);
  }
  return number;
}

/** parseArgs' complaint in a line of our own: its messages quote internals and long advice. */
function parseArgsProblem(error: unknown, argv: readonly string[]): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  const flag = /'(-{1,2}[^'\s]{1,64})/.exec(message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    return `unknown option ${flag ?? argv.find((a) => a.startsWith('-')) ?? ''}`.trim();
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const name = flag?.replace(/^-+/, '');
    const takesValue = name !== undefined && OPTIONS[name as OptionName]?.type === 'string';
    return takesValue ? `option ${flag} needs a value` : `option ${flag ?? ''} takes no value`;
  }
  return 'the command line could not be read';
}
