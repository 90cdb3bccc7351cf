import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** Where a development install keeps its generated secrets, unless LEARNFLOW_SECRETS_FILE says otherwise. */
export const DEFAULT_SECRETS_FILE = path.resolve(__dirname, '..', '.local', 'secrets.json');

/** The secrets an install generates for itself when they are not configured; each a fresh random value. */
const GENERATORS = {
  JWT_ACCESS_SECRET: () => crypto.randomBytes(48).toString('base64url'),
  JWT_REFRESH_SECRET: () => crypto.randomBytes(48).toString('base64url'),
  STRIPE_WEBHOOK_SECRET: () => `whsec_${crypto.randomBytes(32).toString('base64url')}`,
  // The demo staff login that `npm start` prints (scripts/start.ts): random per install, never in the repository.
  DEMO_STAFF_PASSWORD: () => crypto.randomBytes(12).toString('base64url'),
} satisfies Record<string, () => string>;
export type LocalSecretName = keyof typeof GENERATORS;

function read(file: string): Record<string, string> | undefined {
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, string>) : {};
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`${file} is not readable JSON (${(err as Error).message}); delete it to generate new secrets`);
  }
}

/**
 * Writes the file whole (private from its first byte) and links it into place, which fails if another process
 * (npm start runs three) got there first: then that one's secrets win and everyone reads the same file.
 */
function publish(file: string, secrets: Record<string, string>, replace: boolean): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  try {
    if (replace) fs.renameSync(tmp, file);
    else fs.linkSync(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/**
 * The install's own secrets, generated once on first use and kept in a git-ignored file readable only by its
 * owner, so that restarts keep everyone logged in and no secret is ever derived from something public.
 * The values are never printed.
 */
export function localSecrets(file: string = DEFAULT_SECRETS_FILE): Record<LocalSecretName, string> {
  let secrets = read(file);
  const missing = (Object.keys(GENERATORS) as LocalSecretName[]).filter(
    (name) => typeof secrets?.[name] !== 'string' || secrets[name] === '',
  );
  if (missing.length > 0) {
    const completed = { ...secrets };
    for (const name of missing) completed[name] = GENERATORS[name]();
    publish(file, completed, secrets !== undefined);
    secrets = read(file) ?? completed;
  }
  if ((fs.statSync(file).mode & 0o077) !== 0) fs.chmodSync(file, 0o600);
  return secrets as Record<LocalSecretName, string>;
}
