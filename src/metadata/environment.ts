import { InvalidOptionsError } from '../errors.js';

/** Environment variables as warrant reads them; injectable so tests never depend on the real one. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** Refuses an `env` option that is not an object of variables. */
export function checkEnvironment(env: unknown): asserts env is Environment {
  if (typeof env !== 'object' || env === null) {
    throw new InvalidOptionsError(
      'env must be an object of environment variables (e.g. process.env)',
    );
  }
}

/**
 * The variable's value, trimmed; undefined when unset or blank (a blank variable counts as unset).
 * An `env` that is not an object of strings is refused, whoever passed it in.
 */
export function envValue(env: Environment, name: string): string | undefined {
  checkEnvironment(env);
  const raw: unknown = env[name];
  if (raw !== undefined && typeof raw !== 'string') {
    throw new InvalidOptionsError(
      `env.${name} must be a string (or left unset), not ${typeof raw}`,
    );
  }
  const value = raw?.trim();
  return value ? value : undefined;
}
