import * as client from 'openid-client';
import { sealData, unsealData } from 'iron-session';
import { audit } from '../audit/log';
import { env } from '../env';
import { OidcExtraEnv, parseRoleMap, roleFromClaims } from './oidc-config';
import { sessionSecret } from './secret';
import { countUsers, createUser, getUserByEmail, getUserByIdpSubject, updateUser } from './users';
import type { UserRow } from '../clickhouse/queries/auth';

/**
 * OpenID Connect single sign-on (authorization code + PKCE, state and nonce), with the groups claim
 * mapped to a role on every sign-in. The transient checks travel in a sealed, short-lived cookie.
 */

export const OIDC_COOKIE = 'swarmdeck_oidc';
const FLOW_TTL_SECONDS = 600;

let discovered: Promise<client.Configuration> | undefined;
function configuration(): Promise<client.Configuration> {
  const e = env();
  const issuer = new URL(e.OIDC_ISSUER!);
  // Plain HTTP only for an IdP on this machine (a local Dex/Keycloak in development); anything else must be HTTPS.
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(issuer.hostname);
  discovered ??= client
    .discovery(
      issuer,
      e.OIDC_CLIENT_ID!,
      e.OIDC_CLIENT_SECRET!,
      undefined,
      loopback ? { execute: [client.allowInsecureRequests] } : undefined,
    )
    .catch((err: unknown) => {
      discovered = undefined;
      throw err;
    });
  return discovered;
}

function extra() {
  return OidcExtraEnv.parse(process.env);
}

export function redirectUri(req: Request): string {
  return extra().OIDC_REDIRECT_URL ?? new URL('/api/auth/oidc/callback', req.url).toString();
}

interface Flow {
  verifier: string;
  state: string;
  nonce: string;
  next: string;
}

export async function startOidc(req: Request, next: string): Promise<{ url: string; cookie: string }> {
  const config = await configuration();
  const flow: Flow = {
    verifier: client.randomPKCECodeVerifier(),
    state: client.randomState(),
    nonce: client.randomNonce(),
    next,
  };
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri(req),
    scope: 'openid email profile',
    code_challenge: await client.calculatePKCECodeChallenge(flow.verifier),
    code_challenge_method: 'S256',
    state: flow.state,
    nonce: flow.nonce,
  });
  const seal = await sealData(flow, { password: sessionSecret(), ttl: FLOW_TTL_SECONDS });
  return { url: url.toString(), cookie: seal };
}

export type OidcResult = { ok: true; user: UserRow; next: string } | { ok: false; reason: 'failed' | 'no_role' };

export async function finishOidc(req: Request, flowSeal: string | null): Promise<OidcResult> {
  if (!flowSeal) return { ok: false, reason: 'failed' };
  const flow = await unsealData<Partial<Flow>>(flowSeal, { password: sessionSecret(), ttl: FLOW_TTL_SECONDS }).catch(
    () => ({}) as Partial<Flow>,
  );
  if (!flow.verifier || !flow.state || !flow.nonce) return { ok: false, reason: 'failed' };
  const config = await configuration();
  const current = new URL(redirectUri(req));
  current.search = new URL(req.url).search;
  let claims: Record<string, unknown>;
  try {
    const tokens = await client.authorizationCodeGrant(config, current, {
      pkceCodeVerifier: flow.verifier,
      expectedState: flow.state,
      expectedNonce: flow.nonce,
    });
    claims = { ...(tokens.claims() ?? {}) };
    // Some providers put groups only in the userinfo answer.
    const x = extra();
    if (!(x.OIDC_GROUPS_CLAIM in claims) && typeof claims.sub === 'string') {
      const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
      claims = { ...info, ...claims };
    }
  } catch {
    return { ok: false, reason: 'failed' };
  }
  const email = typeof claims.email === 'string' ? claims.email.trim().toLowerCase() : '';
  const x = extra();
  // An unverified (or unstated) email proves nothing about who owns it: without this, anyone who can
  // register that address at the IdP would sign into the local account that has it.
  const verified = claims.email_verified === true || x.OIDC_TRUST_EMAIL;
  const sub = typeof claims.sub === 'string' ? claims.sub : '';
  if (!email || !verified || !sub) return { ok: false, reason: 'failed' };
  const subject = `${config.serverMetadata().issuer} ${sub}`;
  const role = roleFromClaims(claims, {
    roleMap: parseRoleMap(x.OIDC_ROLE_MAP),
    groupsClaim: x.OIDC_GROUPS_CLAIM,
    defaultRole: x.OIDC_DEFAULT_ROLE ?? null,
  });
  const system = { kind: 'system' as const, id: 'oidc', email: '' };
  if (!role) {
    await audit({
      actor: { kind: 'anonymous', id: '', email },
      action: 'auth.sign_in_failed',
      details: { method: 'oidc', reason: 'no mapped group' },
    });
    return { ok: false, reason: 'no_role' };
  }
  // Linked users are found by the IdP's subject; the email links an account only at its first SSO sign-in,
  // and never one already linked to another subject.
  let user = await getUserByIdpSubject(subject);
  if (!user) {
    const byEmail = await getUserByEmail(email);
    if (byEmail?.idp_subject) {
      await audit({
        actor: { kind: 'anonymous', id: '', email },
        action: 'auth.sign_in_failed',
        target: { type: 'user', id: byEmail.id },
        details: { method: 'oidc', reason: 'linked to another identity' },
      });
      return { ok: false, reason: 'failed' };
    }
    user = byEmail;
  }
  if (user && user.status === 'deactivated') {
    await audit({
      actor: { kind: 'anonymous', id: '', email },
      action: 'auth.sign_in_failed',
      target: { type: 'user', id: user.id },
      details: { method: 'oidc' },
    });
    return { ok: false, reason: 'failed' };
  }
  if (!user) {
    user = await createUser({
      email,
      role,
      name: typeof claims.name === 'string' ? claims.name : undefined,
      idpSubject: subject,
    });
    await audit({
      actor: system,
      action: 'user.created',
      target: { type: 'user', id: user.id },
      after: { email, role },
    });
  } else {
    let newRole = role;
    if (user.role === 'admin' && role !== 'admin' && user.status === 'active' && (await countUsers()).admins <= 1) {
      // The groups would demote the last active admin and lock everyone out of Settings: keep the role.
      newRole = 'admin';
      await audit({
        actor: system,
        action: 'user.role_change_refused',
        target: { type: 'user', id: user.id },
        before: { role: user.role },
        after: { role },
        reason: 'last active admin',
      });
    }
    if (user.role !== newRole || user.status !== 'active' || user.idp_subject !== subject) {
      const { before, after } = await updateUser(user.id, { role: newRole, status: 'active', idp_subject: subject });
      if (before.role !== newRole || before.status !== 'active') {
        await audit({
          actor: system,
          action: 'user.role_changed',
          target: { type: 'user', id: user.id },
          before: { role: before.role, status: before.status },
          after: { role: newRole, status: 'active' },
        });
      }
      if (!before.idp_subject)
        await audit({
          actor: system,
          action: 'user.sso_linked',
          target: { type: 'user', id: user.id },
          details: { method: 'oidc' },
        });
      user = after;
    }
  }
  await audit({
    actor: { kind: 'user', id: user.id, email: user.email },
    action: 'auth.sign_in',
    details: { method: 'oidc' },
  });
  return { ok: true, user, next: flow.next ?? '/overview' };
}
