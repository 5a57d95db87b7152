import { z } from 'zod';
import { DEVICE_CLASSES } from '@/lib/rollout/rule';
import { CliUsageError, defineCommand } from '../cli/commands';
import { RolloutError, Target, kill } from './service';
import { readSnapshot } from './snapshot';

/** Emergency tools for when the console is unreachable: status and the kill switch (lifting one stays a reviewed request). */

export const rolloutStatusCommand = defineCommand({
  description: 'print every device class: state, mode, %, holdback, kill switch, config version',
  args: z.object({}).loose(),
  async run() {
    const s = await readSnapshot();
    return [
      `global kill switch: ${s.global.killed ? 'ENGAGED' : 'off'} (seq ${s.seq})`,
      ...DEVICE_CLASSES.map((c) => {
        const x = s.classes[c];
        return `${c.padEnd(16)} v${x.version} ${x.rule.state.padEnd(8)} ${x.rule.mode.padEnd(8)} ${String(x.rule.percentage).padStart(6)}% holdback ${x.rule.holdbackPercentage}%${x.killed ? ' KILLED' : ''}`;
      }),
    ];
  },
});

export const rolloutKillCommand = defineCommand({
  description:
    'engage a kill switch at once: --class <device class | *> --reason <why> (lifting it needs an approved request in the console)',
  args: z.object({ class: Target, reason: z.string().trim().min(3, 'a reason is required') }),
  async run(args) {
    try {
      const r = await kill({
        actor: { kind: 'system', id: 'cli', email: '' },
        target: args.class,
        reason: args.reason,
      });
      return [r.changed ? `killed ${args.class} (version ${r.version})` : `${args.class} was already killed`];
    } catch (err) {
      if (err instanceof RolloutError) throw new CliUsageError(err.message);
      throw err;
    }
  },
});
