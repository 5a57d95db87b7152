import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../helpers/app';

const run = promisify(execFile);
let app: RunningApp;

beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app?.stop());

function cli(args: string[], dataDir: string) {
  return run(process.execPath, ['--import', 'tsx', 'scripts/cli.ts', ...args], {
    env: { ...process.env, SWARMDECK_DATA_DIR: dataDir },
  });
}

describe('command-line tools and the embedded store lock', () => {
  it('migrate goes through the running server that holds the lock', async () => {
    const { stdout } = await cli(['migrate'], app.dataDir);
    expect(stdout).toContain('nothing to apply: already up to date');
    expect(stdout).toContain('ran inside the running server');
  });

  it('opens the store directly once the server has stopped', async () => {
    await app.stop();
    const { stdout } = await cli(['migrate'], app.dataDir);
    expect(stdout).toContain('nothing to apply');
    expect(stdout).not.toContain('running server');
  });

  it('names unknown commands and lists the known ones', async () => {
    await expect(cli(['no-such-command'], app.dataDir)).rejects.toMatchObject({
      stderr: expect.stringMatching(/Unknown command no-such-command\. Known: .*migrate/),
    });
  });
});
