import { TRPCError } from '@trpc/server';
import { UserError } from './users';

/** Auth-domain errors → tRPC codes, in one place. */
export async function mapUserErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof UserError) {
      const code = err.code === 'conflict' ? 'CONFLICT' : err.code === 'not_found' ? 'NOT_FOUND' : 'BAD_REQUEST';
      throw new TRPCError({ code, message: err.message, cause: err });
    }
    throw err;
  }
}
