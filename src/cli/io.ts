/** What a CLI command needs from the outside world, so tests can run commands in process. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** A usage or input error: reported on one line of stderr, exit code 2. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

/** Exit codes: 0 success, 1 unexpected failure, 2 bad usage or bad input. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** Turns node:util parseArgs errors into short messages ("unknown option --foo"). */
export function describeParseError(error: unknown): string {
  const err = error as { code?: string; message?: string };
  const message = err.message ?? String(error);
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const option = /'([^']+)'/.exec(message)?.[1];
    return option ? `unknown option ${option}` : 'unknown option';
  }
  if (err.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const arg = /'([^']+)'/.exec(message)?.[1];
    return arg ? `unexpected argument ${arg}` : 'unexpected argument';
  }
  if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const option = /'(--?[\w-]+)/.exec(message)?.[1];
    if (/argument missing/i.test(message) && option) return `option ${option} needs a value`;
    if (/does not take an argument/i.test(message) && option) return `option ${option} takes no value`;
  }
  return message.split('\n')[0]!.replace(/\.$/, '');
}
