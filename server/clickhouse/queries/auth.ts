import { z } from 'zod';
import { Role } from '@/lib/auth/permissions';
import { NoParams, statement } from './store';

/** Users, invitations and API tokens: the latest version of each row (ReplacingMergeTree + FINAL). */

const Ms = z.coerce.number();

export const UserStatus = z.enum(['active', 'invited', 'deactivated']);
export type UserStatus = z.infer<typeof UserStatus>;

const USER_COLUMNS = `id, email, name, role, status, password_hash, idp_subject,
  toUnixTimestamp64Milli(sessions_valid_after) AS sessions_valid_after_ms,
  toUnixTimestamp64Milli(created_at) AS created_at_ms,
  toUnixTimestamp64Milli(updated_at) AS updated_at_ms, version`;

export const UserRow = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: Role,
  status: UserStatus,
  password_hash: z.string(),
  /** `<issuer> <sub>` of the single sign-on identity linked to this user ('' when none). */
  idp_subject: z.string().default(''),
  sessions_valid_after_ms: Ms,
  created_at_ms: Ms,
  updated_at_ms: Ms,
  version: z.coerce.number(),
});
export type UserRow = z.infer<typeof UserRow>;

export const UserByIdParams = z.object({ id: z.string() });
export const UserByIdSql = statement(
  `SELECT ${USER_COLUMNS} FROM users FINAL WHERE id = {id:String} LIMIT 1`,
  UserByIdParams,
  UserRow,
);
export const UserByEmailParams = z.object({ email: z.string() });
export const UserByEmailSql = statement(
  `SELECT ${USER_COLUMNS} FROM users FINAL WHERE email = {email:String} ORDER BY created_at LIMIT 1`,
  UserByEmailParams,
  UserRow,
);
export const UserByIdpSubjectParams = z.object({ subject: z.string() });
export const UserByIdpSubjectSql = statement(
  `SELECT ${USER_COLUMNS} FROM users FINAL WHERE idp_subject = {subject:String} AND idp_subject != '' ORDER BY created_at LIMIT 1`,
  UserByIdpSubjectParams,
  UserRow,
);
export const ListUsersSql = statement(`SELECT ${USER_COLUMNS} FROM users FINAL ORDER BY email`, NoParams, UserRow);
export const CountUsersRow = z.object({ n: z.coerce.number(), admins: z.coerce.number() });
export const CountUsersSql = statement(
  `SELECT count() AS n, countIf(role = 'admin' AND status = 'active') AS admins FROM users FINAL`,
  NoParams,
  CountUsersRow,
);

export const InviteRow = z.object({
  token_hash: z.string(),
  user_id: z.string(),
  created_by: z.string(),
  created_at_ms: Ms,
  expires_at_ms: Ms,
  used: z.coerce.number(),
  version: z.coerce.number(),
});
export type InviteRow = z.infer<typeof InviteRow>;
/** The newest invitation of a user: re-inviting makes every older link dead. */
export const LatestInviteRow = z.object({ token_hash: z.string() });
export const LatestInviteParams = z.object({ userId: z.string() });
export const LatestInviteSql = statement(
  `SELECT token_hash FROM user_invites FINAL WHERE user_id = {userId:String} ORDER BY created_at DESC, token_hash DESC LIMIT 1`,
  LatestInviteParams,
  LatestInviteRow,
);
export const InviteByHashParams = z.object({ hash: z.string() });
export const InviteByHashSql = statement(
  `SELECT token_hash, user_id, created_by,
  toUnixTimestamp64Milli(created_at) AS created_at_ms, toUnixTimestamp64Milli(expires_at) AS expires_at_ms,
  used_at IS NOT NULL AS used, version
  FROM user_invites FINAL WHERE token_hash = {hash:String} LIMIT 1`,
  InviteByHashParams,
  InviteRow,
);

export const ApiTokenRow = z.object({
  id: z.string(),
  name: z.string(),
  scope: z.string(),
  token_hash: z.string(),
  prefix: z.string(),
  created_by: z.string(),
  created_at_ms: Ms,
  expires_at_ms: Ms.nullable(),
  revoked_at_ms: Ms.nullable(),
  version: z.coerce.number(),
});
export type ApiTokenRow = z.infer<typeof ApiTokenRow>;
const TOKEN_COLUMNS = `id, name, scope, token_hash, prefix, created_by,
  toUnixTimestamp64Milli(created_at) AS created_at_ms,
  if(expires_at IS NULL, NULL, toUnixTimestamp64Milli(assumeNotNull(expires_at))) AS expires_at_ms,
  if(revoked_at IS NULL, NULL, toUnixTimestamp64Milli(assumeNotNull(revoked_at))) AS revoked_at_ms, version`;
export const ApiTokenByHashParams = z.object({ hash: z.string() });
export const ApiTokenByHashSql = statement(
  `SELECT ${TOKEN_COLUMNS} FROM api_tokens FINAL WHERE token_hash = {hash:String} LIMIT 1`,
  ApiTokenByHashParams,
  ApiTokenRow,
);
export const ApiTokenByIdParams = z.object({ id: z.string() });
export const ApiTokenByIdSql = statement(
  `SELECT ${TOKEN_COLUMNS} FROM api_tokens FINAL WHERE id = {id:String} LIMIT 1`,
  ApiTokenByIdParams,
  ApiTokenRow,
);
export const ListApiTokensSql = statement(
  `SELECT ${TOKEN_COLUMNS} FROM api_tokens FINAL ORDER BY created_at DESC`,
  NoParams,
  ApiTokenRow,
);

/** Ended sessions still inside their cookie's lifetime, ended at or after `since` (ms). */
export const EndedSessionRow = z.object({ sid: z.string(), expires_at_ms: Ms, ended_at_ms: Ms });
export const EndedSessionsSinceParams = z.object({ since: z.number() });
export const EndedSessionsSinceSql = statement(
  `SELECT sid, toUnixTimestamp64Milli(expires_at) AS expires_at_ms, toUnixTimestamp64Milli(ended_at) AS ended_at_ms
  FROM ended_sessions
  WHERE expires_at > now64(3) AND ended_at >= fromUnixTimestamp64Milli({since:Int64}, 'UTC')`,
  EndedSessionsSinceParams,
  EndedSessionRow,
);
