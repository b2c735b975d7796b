import type { z } from 'zod';
import type { EscalationContextSchema, EscalationRequestSchema } from './schemas.ts';

/**
 * What every surface (help centre "Contact us", bot, flows, widget) hands over when a customer wants a
 * human: the context that spares them from repeating anything. The escalation module turns it into a
 * ticket (or a live handoff) and shows it to the agent. The types are those of the schemas validated
 * at the edge (`schemas.ts`), so the two cannot drift apart.
 */
export type EscalationRequest = z.infer<typeof EscalationRequestSchema>;
export type EscalationContext = z.infer<typeof EscalationContextSchema>;
export type EscalationChannel = EscalationRequest['channel'];
export type EscalationSource = EscalationContext['source'];
export type TranscriptEntry = NonNullable<EscalationContext['transcript']>[number];
