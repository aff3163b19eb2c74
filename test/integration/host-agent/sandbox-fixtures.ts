import { createHash, generateKeyPairSync } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { DesiredSshKey, EncryptedSecret } from '../../../libs/domain/src/local-users/host-command';
import { prepareSandboxRoot } from '../../../apps/host-agent/src/sandbox/prepare-sandbox-root';

const run = promisify(execFile);

export interface Sandbox {
  dir: string;
  root: string;
  remove(): Promise<void>;
}

export async function createSandbox(sudoGroup = 'sudo'): Promise<Sandbox> {
  const dir = await mkdtemp(join(tmpdir(), 'host-agent-'));
  const root = join(dir, 'root');
  await prepareSandboxRoot(root, { sudoGroup });
  return { dir, root, remove: () => rm(dir, { recursive: true, force: true }) };
}

export async function cryptHash(password: string): Promise<string> {
  const { stdout } = await run('openssl', ['passwd', '-6', password]);
  return stdout.trim();
}

/** The tests' stand-in for the control plane's AES: base64url only, which is all a fake needs. */
export function fakeSeal(hash: string): EncryptedSecret {
  return { keyId: 'test', sealed: Buffer.from(hash, 'utf8').toString('base64url') };
}

export function fakeOpen(secret: EncryptedSecret): string {
  return Buffer.from(secret.sealed, 'base64url').toString('utf8');
}

function sshString(data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  return Buffer.concat([length, data]);
}

/** A fresh ed25519 key as an authorized_keys line (RFC 8709 wire format). */
export function ed25519Key(comment: string): DesiredSshKey {
  const jwk = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' });
  const blob = Buffer.concat([
    sshString(Buffer.from('ssh-ed25519')),
    sshString(Buffer.from(String(jwk.x), 'base64url')),
  ]);
  const fingerprint = `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
  return { line: `ssh-ed25519 ${blob.toString('base64')} ${comment}`, fingerprint };
}

export async function etcLines(root: string, file: string): Promise<string[]> {
  return (await readFile(join(root, 'etc', file), 'utf8')).split('\n').filter(Boolean);
}

export async function etcLine(root: string, file: string, name: string): Promise<string | undefined> {
  return (await etcLines(root, file)).find((line) => line.startsWith(`${name}:`));
}

export interface CheckResult {
  exitCode: number;
  output: string;
}

async function check(tool: string, args: string[]): Promise<CheckResult> {
  try {
    const { stdout, stderr } = await run(tool, args);
    return { exitCode: 0, output: `${stdout}${stderr}`.trim() };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    return { exitCode: failure.code ?? -1, output: `${failure.stdout ?? ''}${failure.stderr ?? ''}`.trim() };
  }
}

/**
 * `pwck -R` chroots into the sandbox and checks every home and login shell there. The sandbox holds
 * account files, not programs, so empty stand-ins are put at the shell paths first; the homes are the
 * real ones useradd made.
 */
export async function pwckReadOnly(root: string): Promise<CheckResult> {
  const shells = new Set((await etcLines(root, 'passwd')).map((line) => line.split(':')[6]));
  for (const shell of shells) {
    const path = join(root, shell);
    const present = await stat(path).catch(() => null);
    if (present) continue;
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, '', { mode: 0o755 });
  }
  return check('pwck', ['-R', root, '-r']);
}

export function grpckReadOnly(root: string): Promise<CheckResult> {
  return check('grpck', ['-R', root, '-r']);
}

/** Days since 1970-01-01 today, as shadow counts them. */
export function today(): number {
  return Math.floor(Date.now() / 86_400_000);
}
