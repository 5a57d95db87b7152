import 'server-only';
import { initTRPC } from '@trpc/server';
import { z } from 'zod';
import { wire } from '@/lib/wire';
import { can, type Access, type Permission } from '@/lib/auth/permissions';
import { sessionFromHeaders, type SessionUser } from '../auth/session';
import { assertCsrf } from '../auth/csrf';
import { StoreError } from '../clickhouse/client';
import { publicTRPCMessage, ServiceError, toTRPCError } from '../core/errors';
import { storeQuerySeconds } from '../observability/metrics';

export interface Context {
  headers: Headers;
  user: SessionUser | null;
  /** Headers to add to the response (cookies set by a procedure). */
  resHeaders?: Headers;
}

export async function createContext(opts: { headers: Headers; resHeaders?: Headers }): Promise<Context> {
  // The session check reads the store (users, ended sessions): when that fails the request fails closed,
  // with the one mapping's code and public message (a held store is 504, not a raw engine error).
  const user = await sessionFromHeaders(opts.headers).catch((err: unknown) => {
    throw toTRPCError(err);
  });
  return { headers: opts.headers, resHeaders: opts.resHeaders, user };
}

export interface Meta {
  access: Access;
}

const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
    transformer: wire,
    errorFormatter({ shape, error }) {
      const zodError = error.cause instanceof z.ZodError ? z.flattenError(error.cause) : null;
      return {
        ...shape,
        message: publicTRPCMessage(error, shape.data.httpStatus),
        data: { ...shape.data, zodError },
      };
    },
  });

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

/**
 * Service and store failures get their code from the one mapping in server/core/errors.ts (a store
 * timeout is GATEWAY_TIMEOUT, unavailable SERVICE_UNAVAILABLE); a 5xx never carries the store's message.
 */
const serviceErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    if (cause instanceof StoreError || cause instanceof ServiceError) throw toTRPCError(cause);
    // Anything else unexpected (a plain Error from a library) is internal: logged, never shown.
    if (result.error.code === 'INTERNAL_SERVER_ERROR') throw toTRPCError(cause ?? new Error(result.error.message));
  }
  return result;
});

const csrf = t.middleware(({ ctx, type, next }) => {
  assertCsrf(type, ctx.headers);
  return next();
});

const signIn = () => toTRPCError(new ServiceError('unauthorized', 'Sign in to continue.'));

/** Each procedure's duration (they are store queries) in swarmdeck_store_query_duration_seconds. */
const timed = t.middleware(async ({ path, next }) => {
  const started = performance.now();
  const result = await next();
  storeQuerySeconds().observe(
    { procedure: path, outcome: result.ok ? 'ok' : 'error' },
    (performance.now() - started) / 1000,
  );
  return result;
});

const base = t.procedure.use(timed).use(serviceErrors).use(csrf);

export const publicProcedure = base.meta({ access: 'public' });

export const authedProcedure = base.meta({ access: 'authed' }).use(({ ctx, next }) => {
  if (!ctx.user) throw signIn();
  return next({ ctx: { ...ctx, user: ctx.user } });
});

/** A procedure that requires one permission; the matrix test reads it from the meta. */
export function permissionProcedure(permission: Permission) {
  return base.meta({ access: permission }).use(({ ctx, next }) => {
    if (!ctx.user) throw signIn();
    if (!can(ctx.user.role, permission)) {
      throw toTRPCError(
        new ServiceError('forbidden', `Your role (${ctx.user.role}) lacks the permission ${permission}.`),
      );
    }
    return next({ ctx: { ...ctx, user: ctx.user } });
  });
}
