import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarmdeck-cli-fresh-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function cli(args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, SWARMDECK_DATA_DIR: dir };
  delete env.CLICKHOUSE_URL;
  return run(process.execPath, ['--import', 'tsx', 'scripts/cli.ts', ...args], { env });
}

describe('command-line tools on a data directory no server has opened', () => {
  it('user:add applies the migrations first and creates the user', async () => {
    const { stdout } = await cli([
      'user:add',
      '--email',
      'first@test.local',
      '--role',
      'admin',
      '--password',
      'a-long-password',
    ]);
    expect(stdout).toMatch(/first@test\.local.*\(id [0-9a-f-]+\)/);
    // The user is really stored: adding it again is refused as a duplicate.
    await expect(
      cli(['user:add', '--email', 'first@test.local', '--role', 'viewer', '--password', 'another-password']),
    ).rejects.toMatchObject({ stderr: expect.stringContaining('already exists') });
  });
});
