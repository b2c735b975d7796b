import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { CSRF_HEADER, SESSION_COOKIE } from './auth.ts';

/** OpenAPI 3.1 generated from the same zod schemas that validate requests. */
export default fp(
  async (app: FastifyInstance) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Relais API',
          version: '1',
          description:
            'JSON REST API of Relais. Errors are RFC 9457 `application/problem+json` with a stable `code`. ' +
            `Staff authenticate with the \`${SESSION_COOKIE}\` cookie (writes must send the \`${CSRF_HEADER}\` header) ` +
            'or with an API key: `Authorization: Bearer rls_…`.',
        },
        components: {
          securitySchemes: {
            apiKey: { type: 'http', scheme: 'bearer', description: 'API key with scopes' },
            session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
          },
        },
      },
      transform: jsonSchemaTransform,
    });
    await app.register(swaggerUi, { routePrefix: '/docs/api', staticCSP: true });

    app.get('/api/v1/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () =>
      app.swagger(),
    );
  },
  { name: 'relais-openapi' },
);
