import { toTRPCError } from '../core/errors';
import { UserError } from './users';

/** Auth-domain errors → tRPC codes, through the one mapping in server/core/errors.ts. */
export async function mapUserErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof UserError) throw toTRPCError(err);
    throw err;
  }
}
