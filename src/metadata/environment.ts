/** Environment variables as warrant reads them; injectable so tests never depend on the real one. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** The variable's value, trimmed; undefined when unset or blank (a blank variable counts as unset). */
export function envValue(env: Environment, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}
