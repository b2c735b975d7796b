/** The console's only door to the server: JSON in and out, CSRF header on writes, problem+json errors. */

import { PERMISSIONS, type Permission, ROLES, type Role } from '../../src/shared/access-model.ts';

export interface Problem {
  status: number;
  code: string;
  detail: string;
  field?: string;
  errors?: Array<{ field: string; message: string }>;
  requestId?: string;
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail);
  }
  get status() {
    return this.problem.status;
  }
  /** Error messages by field (problem `field` and `errors[]`), to show next to the inputs. */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.problem.errors ?? []) out[e.field] ??= e.message;
    if (this.problem.field) out[this.problem.field] ??= this.problem.detail;
    return out;
  }
}

let csrfToken: string | undefined;
/** Set after sign-in or /auth/me; sent back in `x-csrf-token` on every write. */
export function setCsrfToken(token: string | undefined) {
  csrfToken = token;
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  // Problems come back in the language the console is shown in (the I18nProvider sets <html lang>).
  const headers: Record<string, string> = {
    accept: 'application/json',
    'accept-language': document.documentElement.lang || 'fr',
  };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const res = await fetch(`/api/v1${path}`, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  const data = text ? JSON.parse(text) : undefined;
  if (!res.ok) {
    const p = (data ?? {}) as Partial<Problem>;
    throw new ApiError({
      status: res.status,
      code: p.code ?? 'error',
      detail: p.detail ?? res.statusText,
      ...(p.field ? { field: p.field } : {}),
      ...(p.errors ? { errors: p.errors } : {}),
      ...(p.requestId ? { requestId: p.requestId } : {}),
    });
  }
  return data as T;
}

export const get = <T>(path: string) => api<T>('GET', path);
export const post = <T>(path: string, body?: unknown) => api<T>('POST', path, body ?? {});
export const patch = <T>(path: string, body: unknown) => api<T>('PATCH', path, body);
export const put = <T>(path: string, body: unknown) => api<T>('PUT', path, body);
export const del = <T>(path: string) => api<T>('DELETE', path);

// Shapes returned by the API (see /api/v1/openapi.json).
export { PERMISSIONS, type Permission, ROLES, type Role };

export interface StaffUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  active: boolean;
  createdAt: string;
  lastLoginAt: string | null;
  twoFactorEnabled: boolean;
}
export interface Me {
  user: StaffUser;
  permissions: Permission[];
  csrfToken: string;
  /** Two-factor authentication is required and not set up: only the account security page works. */
  twoFactorSetupRequired: boolean;
}
/** The sign-in's first step succeeded; a code from the app (or a recovery code) comes next. */
export interface TwoFactorPending {
  twoFactorRequired: true;
  expiresAt: string;
}
export interface TwoFactorStatus {
  enabled: boolean;
  enabledAt: string | null;
  recoveryCodesLeft: number;
  required: boolean;
}
export interface TwoFactorEnrolment {
  secret: string;
  otpauthUrl: string;
  qrCode: string;
}
export interface StaffSession {
  id: string;
  createdAt: string;
  lastUsedAt: string;
  expiresAt: string;
  userAgent: string | null;
  network: string | null;
  current: boolean;
}
export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: Permission[];
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}
export interface AuditEntry {
  id: number;
  at: string;
  actorType: 'user' | 'api_key' | 'customer' | 'system';
  actorId: string | null;
  action: string;
  subjectType: string;
  subjectId: string | null;
  details: Record<string, unknown>;
}

export type ArticleStatus = 'draft' | 'in_review' | 'published' | 'archived';
export const ARTICLE_STATUSES: ArticleStatus[] = ['draft', 'in_review', 'published', 'archived'];
export type Visibility = 'public' | 'internal' | 'segment';
export const VISIBILITIES: Visibility[] = ['public', 'internal', 'segment'];

export interface Article {
  id: string;
  translationGroup: string;
  locale: string;
  slug: string;
  url: string;
  title: string;
  shortAnswer: string;
  body: string;
  tags: string[];
  categoryId: string | null;
  sectionId: string | null;
  position: number;
  publishedAt: string | null;
  updatedAt: string;
  key: string | null;
  formulations: string[];
  visibility: Visibility;
  segments: string[];
  status: ArticleStatus;
  ownerId: string | null;
  reviewBy: string | null;
  version: number;
}
export interface Section {
  id: string;
  categoryId: string;
  position: number;
  titles: Record<string, string>;
}
export interface Category {
  id: string;
  key: string | null;
  position: number;
  translations: Record<string, { slug: string; title: string; description: string }>;
  sections: Section[];
}
export interface Version {
  version: number;
  note: string | null;
  createdAt: string;
  createdBy: string | null;
}
export interface Diff {
  from: number;
  to: number;
  changes: Array<{ field: string; before: string; after: string; patch: string }>;
}
export interface Hit {
  id: string;
  locale: string;
  title: string;
  shortAnswer: string;
  url: string;
  confidence: number;
  matchedFormulation?: string;
}
export interface AnswerResponse {
  answered: boolean;
  answer: Hit | null;
  confidence: number;
  locale: string;
  candidates: Hit[];
}

// Agents' inbox (src/modules/escalation/schemas.ts).
export const TICKET_STATUSES = ['new', 'open', 'pending_customer', 'solved', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];
export const TICKET_LEVELS = ['simple', 'intermediate', 'expert'] as const;
export type TicketLevel = (typeof TICKET_LEVELS)[number];
export const TICKET_QUEUES = ['open', 'unassigned', 'mine', 'all'] as const;
export type TicketQueue = (typeof TICKET_QUEUES)[number];

export interface TicketSummary {
  id: string;
  reference: string;
  status: TicketStatus;
  priority: TicketPriority;
  level: TicketLevel;
  channel: 'form' | 'callback' | 'live';
  source: string;
  reason: string | null;
  subject: string;
  locale: string;
  assigneeId: string | null;
  tags: string[];
  handoffPhase: string;
  createdAt: string;
  updatedAt: string;
}
export interface TicketMessage {
  id: number;
  visibility: 'public' | 'internal';
  author: 'customer' | 'agent' | 'system';
  authorId: string | null;
  body: string;
  createdAt: string;
}
export interface TimelineEntry {
  at: string;
  kind: 'page' | 'search' | 'article' | 'bot' | 'flow' | 'escalated';
  text: string;
  detail?: Record<string, unknown>;
}
export interface AgentTicket extends TicketSummary {
  customer: { id: string | null; email: string | null; name: string | null; phone: string | null };
  callbackTime: string | null;
  context: Record<string, unknown>;
  timeline: TimelineEntry[];
  messages: TicketMessage[];
}
export interface Suggestion {
  id: string;
  title: string;
  shortAnswer: string;
  url: string;
  confidence: number;
}
export interface ArticleDraft {
  locale: string;
  title: string;
  shortAnswer: string;
  body: string;
  formulations: string[];
  sourceTicketId: string;
  articleId: string | null;
}
export interface Branding {
  name: string;
  primaryColor: string;
  accentColor: string;
  logoUrl: string | null;
  /** The company's assistant: its name per locale and its avatar. */
  assistantNames: Record<string, string>;
  assistantAvatar: string | null;
}

export interface FlowSummary {
  id: string;
  key: string;
  title: string;
  locale: string;
  latestVersion: number;
  publishedVersion: number | null;
  updatedAt: string;
}
export interface FlowDetail extends FlowSummary {
  version: number;
  definition: Record<string, unknown>;
  versions: Array<{ version: number; createdAt: string; publishedAt: string | null }>;
  articleIds: string[];
}
export interface FlowIssues {
  valid: boolean;
  issues: Array<{ field: string; message: string }>;
}
export interface FlowPreview {
  transcript: Array<{
    from: 'bot' | 'customer';
    text: string;
    quickReplies?: Array<{ id: string; label: string }>;
  }>;
  path: string[];
  waitingOn: string | null;
  exit: 'end' | 'escalate' | null;
}

export interface WidgetSite {
  key: string;
  name: string;
  allowedOrigins: string[];
  contactUrl: string | null;
  strings: Record<string, Record<string, string>>;
  statusBanner: Record<string, string> | null;
  rules: unknown[];
  updatedAt: string;
}
