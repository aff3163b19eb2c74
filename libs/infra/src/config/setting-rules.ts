import { getMetadataStorage, ValidateBy, type ValidationError } from 'class-validator';

export const HTTP = ['http', 'https'] as const;

/**
 * `scheme://…` with one of `protocols`, as the WHATWG parser reads it. A bare word (`notaurl`) is
 * refused: a URL setting that does not parse would otherwise stop the start no sooner than its
 * first use.
 */
export function isUrlOf(value: unknown, protocols: readonly string[]): boolean {
  if (typeof value !== 'string') return false;
  try {
    const scheme = new URL(value).protocol.slice(0, -1);
    return protocols.includes(scheme) && value.toLowerCase().startsWith(`${scheme}://`);
  } catch {
    return false;
  }
}

export function urlRule(protocols: readonly string[]): string {
  return `must be a URL starting with ${protocols.map((protocol) => `${protocol}://`).join(' or ')}`;
}

/** A setting holding a URL of one of `protocols` (`http`, `https`, `postgres`, …). */
export function IsUrlOf(...protocols: [string, ...string[]]): PropertyDecorator {
  return ValidateBy({
    name: 'isUrlOf',
    constraints: [protocols],
    validator: {
      validate: (value: unknown) => isUrlOf(value, protocols),
      defaultMessage: (args) => `${args?.property} ${urlRule(protocols)}`,
    },
  });
}

/** What a parser throws for a setting's value, or null when the value parses. */
export function parseProblem(parse: () => unknown): string | null {
  try {
    parse();
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

/** `message (got "value")`, or the message alone when the value must not be quoted back. */
export function withValue(message: string, shown: string | undefined): string {
  return shown === undefined ? message : `${message} (got ${JSON.stringify(shown)})`;
}

function integerRange(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return ` between ${min} and ${max}`;
  if (min !== undefined) return ` of at least ${min}`;
  return max === undefined ? '' : ` of at most ${max}`;
}

/**
 * One line per failing setting, naming the variable. An integer setting states its whole rule
 * (`PORT must be an integer between 0 and 65535`) whichever of its checks failed: class-validator
 * would report each of them, and `must not be less than 0` says nothing useful about `abc`. Any
 * other setting gets its first failing check's message.
 */
export function describeSettingProblem(
  target: abstract new () => object,
  error: ValidationError,
  shown: string | undefined,
): string {
  const rules = getMetadataStorage()
    .getTargetValidationMetadatas(target, '', true, false)
    .filter((rule) => rule.propertyName === error.property);
  const bound = (name: string): number | undefined =>
    rules.find((rule) => rule.name === name)?.constraints[0] as number | undefined;
  const message = rules.some((rule) => rule.name === 'isInt')
    ? `${error.property} must be an integer${integerRange(bound('min'), bound('max'))}`
    : (Object.values(error.constraints ?? {})[0] ?? `${error.property} is not valid`);
  const named = message.startsWith(`${error.property} `) ? message : `${error.property}: ${message}`;
  return withValue(named, shown);
}

/** The names of the settings `target` declares: every one carries at least one validation rule. */
export function settingNames(target: abstract new () => object): string[] {
  const rules = getMetadataStorage().getTargetValidationMetadatas(target, '', true, false);
  return [...new Set(rules.map((rule) => rule.propertyName))];
}
