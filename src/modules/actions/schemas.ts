/** Definitions of self-service actions as admins write them (shared by validation and OpenAPI). */
import { z } from 'zod';
import { Segment } from '../kb/schemas.ts';

const Localised = (max: number) =>
  z.strictObject({ fr: z.string().trim().min(1).max(max), en: z.string().trim().min(1).max(max) });

/** The verified identity fields an action may send; nothing the customer types is identity. */
export const SEND_FIELDS = ['id', 'externalId', 'email', 'segments'] as const;
export type SendField = (typeof SEND_FIELDS)[number];

export const ActionInputSpec = z
  .strictObject({
    /** Referenced as `{{answers.<name>}}` and sent as `answers.<name>`. */
    name: z.string().regex(/^[a-z][a-zA-Z0-9_]{0,39}$/, 'a letter, then letters, digits or _'),
    kind: z.enum(['text', 'number', 'date', 'choice']),
    label: Localised(200),
    required: z.boolean().default(true),
    maxLength: z.number().int().min(1).max(500).optional(),
    choices: z
      .array(z.strictObject({ value: z.string().regex(/^[\w.-]{1,64}$/), label: Localised(200) }))
      .min(1)
      .max(20)
      .optional(),
  })
  .superRefine((spec, ctx) => {
    if (spec.kind === 'choice' && !spec.choices)
      ctx.addIssue({ code: 'custom', path: ['choices'], message: 'A choice input lists its choices.' });
  });

const TEMPLATE = /\{\{\s*(answers|customer|response)((?:\.[\w-]+)+)\s*\}\}/g;

/** The fields of a definition; `ActionDefinition` adds the checks across fields. */
export const ActionFields = z.strictObject({
  key: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{1,62}$/)
    .describe('Stable unique key, e.g. `resend-invoice`.'),
  name: Localised(120),
  description: Localised(500),
  confirmText: Localised(500).describe('Asked before the call.'),
  successText: Localised(1000).describe('Shown after a 2xx JSON answer: `{{response.x}}`, `{{answers.x}}`.'),
  failureText: Localised(1000).describe('Shown on an error, a timeout or a non-2xx answer.'),
  connection: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/)
    .describe('A flow connection (`/api/v1/flow-connections`): base URL and secret headers.'),
  method: z.enum(['GET', 'POST']).default('POST'),
  path: z
    .string()
    .regex(/^\/[^\s]*$/, 'starts with /, no spaces')
    .max(300)
    .describe('Appended to the base URL: `{{customer.<sent field>}}` and `{{answers.<input>}}` allowed.'),
  sendFields: z
    .array(z.enum(SEND_FIELDS))
    .max(SEND_FIELDS.length)
    .default([])
    .describe('Verified identity fields sent in the body (`customer`) and usable in the path.'),
  inputs: z.array(ActionInputSpec).max(10).default([]).describe('What the customer fills in.'),
  segments: z
    .array(Segment)
    .max(50)
    .default([])
    .describe('Customers holding one of these may use it; empty: every signed-in customer.'),
  rateLimit: z
    .strictObject({
      max: z.number().int().min(1).max(100),
      windowMinutes: z.number().int().min(1).max(10_080),
    })
    .default({ max: 3, windowMinutes: 60 })
    .describe('Runs per customer per window.'),
  enabled: z.boolean().default(true),
  position: z.number().int().min(0).max(1000).default(0),
});

export const ActionDefinition = ActionFields.superRefine((def, ctx) => {
  const names = def.inputs.map((i) => i.name);
  names.forEach((n, i) => {
    if (names.indexOf(n) !== i)
      ctx.addIssue({
        code: 'custom',
        path: ['inputs', i, 'name'],
        message: `Input '${n}' is defined twice.`,
      });
  });
  // Templates may name only what exists: the sent identity fields and the defined inputs.
  const check = (field: string, text: string, allowResponse: boolean) => {
    for (const [, root, path] of text.matchAll(TEMPLATE)) {
      const name = path!.slice(1).split('.')[0]!;
      const ok =
        root === 'response'
          ? allowResponse
          : root === 'answers'
            ? names.includes(name)
            : (def.sendFields as string[]).includes(name);
      if (!ok)
        ctx.addIssue({
          code: 'custom',
          path: field.split('.'),
          message: `{{${root}${path}}} is not available here.`,
        });
    }
  };
  check('path', def.path, false);
  for (const l of ['fr', 'en'] as const) {
    check(`successText.${l}`, def.successText[l], true);
    check(`failureText.${l}`, def.failureText[l], false);
    check(`confirmText.${l}`, def.confirmText[l], false);
  }
});
export type ActionDefinition = z.infer<typeof ActionDefinition>;
