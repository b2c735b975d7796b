import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import {
  frenchTypography,
  issueMessage,
  PART_NAMES_FR,
  type ProblemLanguage,
  problemLanguage,
  type ReportedIssue,
  translateDetail,
} from './problem-language.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Renderer of 404s for page URLs (anything outside /api), set by the help centre so a lost
     * visitor gets an HTML page; API clients always get problem+json.
     */
    notFoundPage: { render?: (req: FastifyRequest, reply: FastifyReply) => Promise<unknown> };
  }
}

/**
 * The one error type. Services throw these; only this plugin knows HTTP and renders
 * RFC 9457 application/problem+json with a stable `type`/`code` and the offending field.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    readonly detail: string,
    readonly field?: string,
  ) {
    super(detail);
  }
}
export class ValidationError extends AppError {
  constructor(detail: string, field?: string) {
    super('validation', 400, detail, field);
  }
}
export class UnauthorizedError extends AppError {
  constructor(detail = 'Authentication required.') {
    super('unauthorized', 401, detail);
  }
}
export class ForbiddenError extends AppError {
  constructor(detail = 'You are not allowed to do this.') {
    super('forbidden', 403, detail);
  }
}
export class NotFoundError extends AppError {
  constructor(what = 'Resource') {
    super('not-found', 404, `${what} not found.`);
  }
}
export class ConflictError extends AppError {
  constructor(detail: string, field?: string) {
    super('conflict', 409, detail, field);
  }
}

/**
 * Too many attempts: 429 with `Retry-After`; the detail is written in the request's language by the
 * errors plugin (a person reads it on the sign-in screen).
 */
export class TooManyAttemptsError extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super('too-many-attempts', 429, `Too many attempts: try again in ${retryAfterSeconds} s.`);
  }
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance: string;
  requestId: string;
  field?: string;
  errors?: Array<{ field: string; message: string }>;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
};

/** Fastify's own client errors, mapped to stable codes. */
const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed-json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed-json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'body-too-large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported-media-type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad-request',
  FST_ERR_RATE_LIMIT_EXCEEDED: 'rate-limited',
};

export function problemType(code: string): string {
  return `urn:relais:problem:${code}`;
}

export function sendProblem(
  req: FastifyRequest,
  reply: FastifyReply,
  status: number,
  code: string,
  detail: string,
  extra: Pick<Problem, 'field' | 'errors'> = {},
) {
  const body: Problem = {
    type: problemType(code),
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code,
    instance: req.url.split('?')[0] ?? '/',
    requestId: String(req.id),
    ...extra,
  };
  return reply.status(status).type('application/problem+json').send(body);
}

function issuesOf(error: unknown, lang: ProblemLanguage): Array<{ field: string; message: string }> {
  if (!hasZodFastifySchemaValidationErrors(error)) return [];
  return error.validation.map((v) => {
    const path = v.instancePath.split('/').filter(Boolean);
    // zod reports an unknown key on its parent: name the key itself.
    const keys = (v.params as { keys?: string[] }).keys;
    if (v.keyword === 'unrecognized_keys' && keys?.[0]) path.push(keys[0]);
    return {
      field: path.length ? path.join('.') : String(error.validationContext ?? 'body'),
      message: issueMessage(v as ReportedIssue, lang),
    };
  });
}

export default fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler((error: FastifyError, req, reply) => {
      const lang = problemLanguage(req);
      if (error instanceof TooManyAttemptsError) {
        reply.header('retry-after', String(error.retryAfterSeconds));
      }
      if (error instanceof AppError) {
        return sendProblem(
          req,
          reply,
          error.status,
          error.code,
          translateDetail(error.detail, lang),
          error.field ? { field: error.field } : {},
        );
      }
      const issues = issuesOf(error, lang);
      if (issues.length) {
        const first = issues[0]!;
        const where = (error as { validationContext?: string }).validationContext ?? 'body';
        const detail =
          lang === 'fr'
            ? frenchTypography(
                `Requête invalide (${PART_NAMES_FR[where as keyof typeof PART_NAMES_FR] ?? where}) : ${first.field} : ${first.message}`,
              )
            : `Invalid ${where}: ${first.field}: ${first.message}`;
        return sendProblem(req, reply, 400, 'validation', detail, { field: first.field, errors: issues });
      }
      const status = error.statusCode ?? 500;
      if (status >= 400 && status < 500) {
        // @fastify/rate-limit throws a bare error with status 429 (no code).
        const code =
          FASTIFY_CODES[error.code] ??
          (status === 404 ? 'not-found' : status === 429 ? 'rate-limited' : 'bad-request');
        const detail =
          code === 'malformed-json'
            ? 'The request body is not valid JSON.'
            : code === 'body-too-large'
              ? 'The request body is too large.'
              : code === 'rate-limited'
                ? 'Too many requests: try again later.'
                : error.message;
        return sendProblem(req, reply, status, code, translateDetail(detail, lang));
      }
      req.log.error({ err: error }, 'unhandled error');
      return sendProblem(
        req,
        reply,
        500,
        'internal',
        translateDetail(`Internal error. Quote request id ${req.id} to support.`, lang),
      );
    });

    app.decorate('notFoundPage', {});
    app.setNotFoundHandler((req, reply) => {
      const render = app.notFoundPage.render;
      const isApi = req.url.startsWith('/api/') || req.url.startsWith('/admin/api');
      if (render && !isApi && (req.method === 'GET' || req.method === 'HEAD')) return render(req, reply);
      const detail = `No route ${req.method} ${req.url.split('?')[0]}.`;
      return sendProblem(req, reply, 404, 'not-found', translateDetail(detail, problemLanguage(req)));
    });
  },
  { name: 'relais-errors' },
);
