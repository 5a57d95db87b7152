import { ServiceError } from '../core/errors';

export const CSRF_HEADER = 'x-swarmdeck-csrf';

/**
 * Every tRPC mutation must carry `x-swarmdeck-csrf: 1`. The console's tRPC client always sends it; a
 * cross-site form or a simple request cannot set a custom header, and a cross-site fetch that sets one
 * needs a CORS preflight we never grant.
 */
export function assertCsrf(type: 'query' | 'mutation' | 'subscription', headers: Headers): void {
  if (type === 'mutation' && headers.get(CSRF_HEADER) !== '1') {
    throw new ServiceError('forbidden', `Missing ${CSRF_HEADER} header (cross-site request refused).`);
  }
}
