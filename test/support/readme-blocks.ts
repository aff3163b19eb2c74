import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The README's shell examples, as the README test reads them. Every ```sh or ```bash block carries,
 * on the last non-blank line before it, one of:
 *
 *   <!-- readme-test: run -->                 run it, in order, in the one shell session
 *   <!-- readme-test: run; expect: TEXT -->   and its output (stdout) must contain TEXT, verbatim
 *   <!-- readme-test: skip: REASON -->        not run, for the reason given
 *
 * so an example cannot be added without saying whether the test runs it.
 */
export interface ShellBlock {
  /** 1-based line of the opening fence. */
  line: number;
  code: string;
  marker: { run: true; expect: string | null } | { run: false; reason: string } | null;
}

export interface ParsedReadme {
  blocks: ShellBlock[];
  /** Markers that are malformed, or not followed by a shell block. */
  problems: string[];
}

const MARKER = /^<!--\s*readme-test:(.*?)-->\s*$/;
const RUN = /^\s*run\s*(?:;\s*expect:\s*(.+?))?\s*$/;
const SKIP = /^\s*skip:\s*(\S.*?)\s*$/;
const FENCE = /^```\s*([\w-]*)\s*$/;
const SHELL_LANGUAGES = new Set(['sh', 'bash']);

export function parseReadme(markdown: string): ParsedReadme {
  const lines = markdown.split('\n');
  const blocks: ShellBlock[] = [];
  const problems: string[] = [];
  let pending: { line: number; marker: ShellBlock['marker'] } | null = null;
  const orphan = () => {
    if (pending) problems.push(`line ${pending.line}: a readme-test marker not followed by a shell block`);
    pending = null;
  };

  for (let index = 0; index < lines.length; index++) {
    const text = lines[index];
    const marker = MARKER.exec(text);
    if (marker) {
      orphan();
      pending = { line: index + 1, marker: parseMarker(marker[1]) };
      if (!pending.marker) problems.push(`line ${index + 1}: malformed marker ${text.trim()}`);
      continue;
    }
    const fence = FENCE.exec(text);
    if (!fence) {
      if (text.trim() !== '') orphan();
      continue;
    }
    const end = lines.findIndex((candidate, at) => at > index && /^```\s*$/.test(candidate));
    if (end < 0) {
      problems.push(`line ${index + 1}: a fenced block that never closes`);
      break;
    }
    if (SHELL_LANGUAGES.has(fence[1])) {
      const marked: { marker: ShellBlock['marker'] } | null = pending;
      blocks.push({
        line: index + 1,
        code: lines.slice(index + 1, end).join('\n'),
        marker: marked?.marker ?? null,
      });
      pending = null;
    } else {
      orphan();
    }
    index = end;
  }
  orphan();
  return { blocks, problems };
}

function parseMarker(body: string): ShellBlock['marker'] {
  const run = RUN.exec(body);
  if (run) return { run: true, expect: run[1] ?? null };
  const skip = SKIP.exec(body);
  return skip ? { run: false, reason: skip[1] } : null;
}

export interface BlockOutcome {
  block: ShellBlock;
  finished: boolean;
  stdout: string;
  stderr: string;
}

export interface SessionOutcome {
  exitCode: number | null;
  blocks: BlockOutcome[];
}

const BEGIN = '@@readme-test block begin';
const END = '@@readme-test block end';

/** The variables a block sets at its top level (`NAME=…`): what a block without output leaves behind. */
export function assignedVariables(code: string): string[] {
  return [...code.matchAll(/^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=/gm)].map((match) => match[1]);
}

/**
 * Runs the blocks in order in one `bash` session under `set -euo pipefail`, as a reader pasting them
 * into one terminal would, and splits what it printed by block. A variable a block sets must not be
 * empty when the block ends.
 */
export async function runInOneShell(
  blocks: ShellBlock[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<SessionOutcome> {
  const script = ['set -euo pipefail'];
  blocks.forEach((block, index) => {
    script.push(`printf '\\n${BEGIN} ${index}\\n'; printf '\\n${BEGIN} ${index}\\n' >&2`, block.code);
    for (const name of assignedVariables(block.code)) {
      script.push(`: "\${${name}:?the block at README line ${block.line} left ${name} empty}"`);
    }
    script.push(`printf '\\n${END} ${index}\\n'; printf '\\n${END} ${index}\\n' >&2`);
  });
  const folder = mkdtempSync(join(tmpdir(), 'ops-readme-script-'));
  const file = join(folder, 'readme.sh');
  writeFileSync(file, `${script.join('\n')}\n`);
  try {
    const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
      execFile(
        'bash',
        [file],
        { cwd: options.cwd, env: options.env, timeout: options.timeoutMs, maxBuffer: 16 * 1024 * 1024 },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
          done({ code, stdout, stderr });
        },
      );
    });
    const stdout = sections(run.stdout, blocks.length);
    const stderr = sections(run.stderr, blocks.length);
    return {
      exitCode: run.code,
      blocks: blocks.map((block, index) => ({
        block,
        finished: stdout[index].finished,
        stdout: stdout[index].text,
        stderr: stderr[index].text,
      })),
    };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

function sections(output: string, count: number): { text: string; finished: boolean }[] {
  return Array.from({ length: count }, (_, index) => {
    const begin = output.indexOf(`\n${BEGIN} ${index}\n`);
    if (begin < 0) return { text: '', finished: false };
    const from = begin + `\n${BEGIN} ${index}\n`.length;
    const end = output.indexOf(`\n${END} ${index}\n`, from);
    return { text: output.slice(from, end < 0 ? undefined : end).trim(), finished: end >= 0 };
  });
}

/**
 * What went wrong, one entry per block, with what a reader needs to fix the example: its line, its
 * code and what it printed. Empty when every block ran, printed or set something, and printed what
 * its marker expects.
 */
export function problemsOf(session: SessionOutcome): string[] {
  const problems: string[] = [];
  for (const { block, finished, stdout, stderr } of session.blocks) {
    const where = `README line ${block.line}`;
    const context = `\n${block.code}\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`;
    if (!finished) {
      problems.push(
        `${where}: the block failed (bash exited ${session.exitCode ?? 'on a timeout'})${context}`,
      );
      break;
    }
    if (stdout === '' && assignedVariables(block.code).length === 0) {
      problems.push(`${where}: the block printed nothing and set nothing${context}`);
    }
    const expected = block.marker?.run ? block.marker.expect : null;
    if (expected !== null && !stdout.includes(expected)) {
      problems.push(`${where}: the output does not contain ${expected}${context}`);
    }
  }
  return problems;
}
