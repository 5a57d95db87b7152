import { z } from 'zod';
import { Role } from '@/lib/auth/permissions';
import { audit } from '../audit/log';
import { defineCommand } from '../cli/commands';
import { CliUsageError } from '../cli/commands';
import { createApiToken } from './api-tokens';
import { generatePassword, hashPassword, MIN_PASSWORD_LENGTH } from './passwords';
import { createUser, Email, UserError } from './users';

const CLI_ACTOR = { kind: 'system' as const, id: 'cli', email: '' };

export const userAddCommand = defineCommand({
  description:
    'create a console user: --email <e> --role viewer|operator|approver|admin [--password <p>] [--name <n>] (prints a generated password once if none is given)',
  args: z.object({
    email: Email,
    role: Role,
    password: z.string().min(MIN_PASSWORD_LENGTH, `at least ${MIN_PASSWORD_LENGTH} characters`).optional(),
    name: z.string().max(200).optional(),
  }),
  async run(args) {
    const password = args.password ?? generatePassword();
    let user;
    try {
      user = await createUser({
        email: args.email,
        role: args.role,
        name: args.name,
        passwordHash: await hashPassword(password),
      });
    } catch (err) {
      if (err instanceof UserError) throw new CliUsageError(err.message);
      throw err;
    }
    await audit({
      actor: CLI_ACTOR,
      action: 'user.created',
      target: { type: 'user', id: user.id },
      after: { email: user.email, role: user.role },
    });
    const lines = [`created ${user.role} ${user.email} (id ${user.id})`];
    if (!args.password) lines.push(`password (shown once): ${password}`);
    return lines;
  },
});

export const tokenAddCommand = defineCommand({
  description: 'create an API token: --scope reports --name <n> [--expires-days <d>] (prints the token once)',
  args: z.object({
    scope: z.enum(['reports']),
    name: z.string().trim().min(1).max(100),
    'expires-days': z.coerce.number().int().min(1).max(3650).optional(),
  }),
  async run(args) {
    const { id, token, expiresAt } = await createApiToken({
      name: args.name,
      scope: args.scope,
      expiresDays: args['expires-days'] ?? null,
      actor: CLI_ACTOR,
    });
    return [
      `created ${args.scope} token "${args.name}" (id ${id}${expiresAt ? `, expires ${expiresAt.toISOString()}` : ', no expiry'})`,
      `token (shown once): ${token}`,
    ];
  },
});
