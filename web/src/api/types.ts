// The API's types, derived from the server's OpenAPI document (schema.gen.ts, made by `npm run gen:api`):
// nothing here restates a server shape, so a change on the server shows up as a type error here.
import type { paths } from './schema.gen';

export type ApiPath = keyof paths;
type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Operation<P extends ApiPath, M extends Method> = NonNullable<paths[P][M]>;
type JsonOf<R> = R extends { content: { 'application/json': infer T } } ? T : never;

/** The JSON answer of a successful call (200, 201 or 202; several of them give a union). */
export type ApiResponse<P extends ApiPath, M extends Method = 'get'> =
  Operation<P, M> extends { responses: infer R } ? JsonOf<R[keyof R & (200 | 201 | 202)]> : never;

/** The JSON body a call takes. */
export type ApiBody<P extends ApiPath, M extends Method> =
  Operation<P, M> extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;

/** The query parameters a call takes. */
export type ApiQuery<P extends ApiPath, M extends Method = 'get'> =
  Operation<P, M> extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;

/** The items of a paginated list answer. */
export type ApiItem<P extends ApiPath> = ApiResponse<P> extends { items: (infer T)[] } ? T : never;

/**
 * Every value of a union, as a list the UI can iterate over; the compiler checks the list against the
 * generated type both ways (no value missing, none unknown).
 */
export const allOf =
  <T extends string>() =>
  <const L extends readonly T[]>(list: L & ([T] extends [L[number]] ? unknown : 'a value of the union is missing')): L =>
    list;

// Accounts and organizations

export type Me = ApiResponse<'/api/v1/me'>;
export type Account = Me['account'];
export type Membership = Me['memberships'][number];
export type Role = Membership['role'];
export type Permission = Membership['permissions'][number];
export type Locale = NonNullable<ApiBody<'/api/v1/me', 'patch'>['locale']>;
export type Org = ApiResponse<'/api/v1/orgs/{orgId}'>;
export type Location = ApiItem<'/api/v1/orgs/{orgId}/locations'>;
export type AuditEvent = ApiItem<'/api/v1/orgs/{orgId}/audit-events'>;

export const ROLES = allOf<Role>()(['owner', 'admin', 'manager_full', 'manager_limited', 'learner', 'guest']);
/** Roles that may be observers or referents. */
export const STAFF_ROLES: readonly Role[] = ['owner', 'admin', 'manager_full', 'manager_limited'];

// Members

export type Member = ApiItem<'/api/v1/orgs/{orgId}/members'>;
export type MemberStatus = Member['status'];
/** Member statuses, shared by memberships and invitations (see StatusBadge). */
export const MEMBER_STATUSES = allOf<MemberStatus>()(['prospect', 'pending', 'active', 'declined', 'cancelled', 'expired', 'archived']);
export type MemberCounts = ApiResponse<'/api/v1/orgs/{orgId}/members/counts'>;
export type BulkAction = ApiBody<'/api/v1/orgs/{orgId}/members/bulk', 'post'>['action'];
export type Person = NonNullable<Program['referent']>;

// Groups

export type Group = ApiItem<'/api/v1/orgs/{orgId}/groups'>;
export type GroupDetail = ApiResponse<'/api/v1/orgs/{orgId}/groups/{groupId}'>;
export type GroupMember = ApiItem<'/api/v1/orgs/{orgId}/groups/{groupId}/members'>;
export type GroupObserver = ApiItem<'/api/v1/orgs/{orgId}/groups/{groupId}/observers'>;
export type Assignment = ApiItem<'/api/v1/orgs/{orgId}/groups/{groupId}/assignments'>;

// Programs and enrolments

export type Program = ApiItem<'/api/v1/orgs/{orgId}/programs'>;
export type ProgramSession = ApiItem<'/api/v1/orgs/{orgId}/programs/{programId}/sessions'>;
export type SessionStatus = ProgramSession['status'];
export type OrgEnrolment = ApiItem<'/api/v1/orgs/{orgId}/enrolments'>;
export type MyEnrolment = ApiResponse<'/api/v1/me/enrolments/{enrolmentId}/progress', 'post'>;
export type Home = ApiResponse<'/api/v1/me/home'>;
export type Certificate = ApiResponse<'/api/v1/certificates/{certificateId}'>;
