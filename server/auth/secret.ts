import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { dataDir } from '../clickhouse/client';
import { env } from '../env';
import { processSlot } from '../core/rate-limit';

const holder = processSlot<string>('sessionSecret');

export function secretFile(): string {
  return path.join(dataDir(), '.swarmdeck-session-secret');
}

/**
 * The cookie sealing secret: SWARMDECK_SESSION_SECRET, or one generated on first use and kept next to
 * the data (mode 0600) so a restart keeps everyone signed in.
 */
export function sessionSecret(): string {
  const fromEnv = env().SWARMDECK_SESSION_SECRET;
  if (fromEnv) return fromEnv;
  if (holder.value) return holder.value;
  const file = secretFile();
  let secret = '';
  try {
    secret = fs.readFileSync(file, 'utf8').trim();
  } catch {
    // not written yet
  }
  if (secret.length < 32) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const fresh = crypto.randomBytes(32).toString('base64url');
    try {
      // 'wx' so two processes starting at once agree on the first one written.
      fs.writeFileSync(file, fresh, { mode: 0o600, flag: 'wx' });
      secret = fresh;
    } catch {
      secret = fs.readFileSync(file, 'utf8').trim();
    }
  }
  holder.value = secret;
  return secret;
}
