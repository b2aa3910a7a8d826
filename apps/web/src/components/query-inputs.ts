import {
  type AccessTokenListFilter,
  auditEventTypes,
  type AuditEventType,
  idSchema,
  isStorableText,
  MAX_SEARCH_TERM_LENGTH,
  queryDateSchema,
} from "@ociauth/schema";

/**
 * Query inputs shared by server pages (prefetch) and client components (useQuery): the same
 * input gives the same query key, so the browser starts from the server's data.
 */
export const IDENTITY_PAGE_SIZE = 20;
export const AUDIT_PAGE_SIZE = 25;
/** The organization a list is of: the dashboard's chosen one (none: the API's default, the user's first). */
const inOrganization = (organizationId: string | null) => (organizationId ? { organizationId } : {});

/** The audit page's actor filter lists the organization's identities by name (the first 100). */
export function actorChoicesInput(organizationId: string | null) {
  return { ...inOrganization(organizationId), limit: 100, offset: 0 };
}

export function identitiesListInput(organizationId: string | null, search: string, page: number) {
  return { ...inOrganization(organizationId), ...(search ? { search } : {}), limit: IDENTITY_PAGE_SIZE, offset: page * IDENTITY_PAGE_SIZE };
}

const MAX_PAGE = 10_000;

/** `?page=N` (1-based) as a 0-based page; anything else is the first page. */
function pageFromParam(value: string | undefined): number {
  const page = Number(value ?? "1");
  return Number.isInteger(page) && page >= 1 && page <= MAX_PAGE ? page - 1 : 0;
}

/** Search and page of the identities list from its URL (`?q=&page=`); invalid values are ignored. */
export function identitiesStateFromParams(params: Record<string, string | string[] | undefined>): { search: string; page: number } {
  const q = first(params.q)?.trim() ?? "";
  const search = q.length <= MAX_SEARCH_TERM_LENGTH && isStorableText(q) ? q : "";
  return { search, page: pageFromParam(first(params.page)) };
}

/** The tokens list's input: "all" is the operation's default, left out so both give one query key. */
export function tokensListInput(identityId: string, filter: AccessTokenListFilter) {
  return filter === "all" ? { identityId } : { identityId, status: filter };
}

/** Which tokens the identity page lists (`?tokens=active|revoked`; all by default). */
export function tokenFilterFromParams(params: Record<string, string | string[] | undefined>): AccessTokenListFilter {
  const value = first(params.tokens);
  return value === "active" || value === "revoked" ? value : "all";
}

export interface AuditFilters {
  eventType?: AuditEventType;
  actorId?: string;
  /** Events about this identity (`?identity=`). */
  targetIdentityId?: string;
  /** ISO-8601 (UTC) bounds, inclusive. */
  startDate?: string;
  endDate?: string;
}

export function auditListInput(organizationId: string | null, filters: AuditFilters, page: number) {
  const input: AuditFilters & { organizationId?: string; limit: number; offset: number } = {
    ...inOrganization(organizationId),
    limit: AUDIT_PAGE_SIZE,
    offset: page * AUDIT_PAGE_SIZE,
  };
  if (filters.eventType) input.eventType = filters.eventType;
  if (filters.actorId) input.actorId = filters.actorId;
  if (filters.targetIdentityId) input.targetIdentityId = filters.targetIdentityId;
  if (filters.startDate) input.startDate = filters.startDate;
  if (filters.endDate) input.endDate = filters.endDate;
  return input;
}

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** Filters and page from the audit page's URL (`?eventType=&actorId=&identity=&from=&to=&page=`); invalid values are ignored. */
export function auditStateFromParams(params: Record<string, string | string[] | undefined>): { filters: AuditFilters; page: number } {
  const filters: AuditFilters = {};
  const eventType = first(params.eventType);
  if (eventType && (auditEventTypes as readonly string[]).includes(eventType)) filters.eventType = eventType as AuditEventType;
  const actorId = first(params.actorId)?.trim();
  if (actorId && actorId.length <= 64 && isStorableText(actorId)) filters.actorId = actorId;
  const identity = first(params.identity);
  if (identity && idSchema("identity").safeParse(identity).success) filters.targetIdentityId = identity;
  const from = first(params.from);
  if (from && queryDateSchema("startDate").safeParse(from).success) filters.startDate = from;
  const to = first(params.to);
  if (to && queryDateSchema("endDate").safeParse(to).success) filters.endDate = to;
  return { filters, page: pageFromParam(first(params.page)) };
}

export function auditParamsFromState(filters: AuditFilters, page: number): string {
  const params = new URLSearchParams();
  if (filters.eventType) params.set("eventType", filters.eventType);
  if (filters.actorId) params.set("actorId", filters.actorId);
  if (filters.targetIdentityId) params.set("identity", filters.targetIdentityId);
  if (filters.startDate) params.set("from", filters.startDate);
  if (filters.endDate) params.set("to", filters.endDate);
  if (page > 0) params.set("page", String(page + 1));
  return params.toString();
}
