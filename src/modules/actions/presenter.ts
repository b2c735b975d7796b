/** What each audience sees of an action: staff the whole definition, customers their locale's texts. */
import { z } from 'zod';
import type { ActionRow } from './repository.ts';
import { ActionFields } from './schemas.ts';
import { textIn } from './service.ts';

export const StaffAction = ActionFields.extend({
  id: z.uuid(),
  createdAt: z.date(),
  updatedAt: z.date(),
});

export function presentStaffAction(a: ActionRow) {
  return {
    id: a.id,
    key: a.key,
    name: a.name,
    description: a.description,
    confirmText: a.confirmText,
    successText: a.successText,
    failureText: a.failureText,
    connection: a.connection,
    method: a.method,
    path: a.path,
    sendFields: a.sendFields as z.infer<typeof StaffAction>['sendFields'],
    inputs: a.inputs,
    segments: a.segments,
    rateLimit: { max: a.rateLimitMax, windowMinutes: a.rateLimitWindowMinutes },
    enabled: a.enabled,
    position: a.position,
    createdAt: a.createdAt,
    updatedAt: a.updatedAt,
  };
}

/** A customer's view: names and texts in their locale, the inputs to fill in; never the connection. */
export const CustomerAction = z.object({
  id: z.uuid(),
  key: z.string(),
  name: z.string(),
  description: z.string(),
  confirmText: z.string(),
  inputs: z.array(
    z.object({
      name: z.string(),
      kind: z.enum(['text', 'number', 'date', 'choice']),
      label: z.string(),
      required: z.boolean(),
      maxLength: z.number().optional(),
      choices: z.array(z.object({ value: z.string(), label: z.string() })).optional(),
    }),
  ),
});

export function presentCustomerAction(a: ActionRow, locale: string): z.infer<typeof CustomerAction> {
  return {
    id: a.id,
    key: a.key,
    name: textIn(a.name, locale),
    description: textIn(a.description, locale),
    confirmText: textIn(a.confirmText, locale),
    inputs: a.inputs.map((i) => ({
      name: i.name,
      kind: i.kind,
      label: textIn(i.label, locale),
      required: i.required,
      ...(i.maxLength ? { maxLength: i.maxLength } : {}),
      ...(i.choices
        ? { choices: i.choices.map((c) => ({ value: c.value, label: textIn(c.label, locale) })) }
        : {}),
    })),
  };
}

export const RunResultView = z.object({
  outcome: z.enum(['succeeded', 'failed']),
  message: z.string().describe('The action’s success or failure text, in the requested locale.'),
});

export const RunBody = z.strictObject({
  answers: z.record(z.string(), z.union([z.string().max(500), z.number()])).default({}),
  locale: z.enum(['fr', 'en', 'en-GB']).default('fr'),
});
