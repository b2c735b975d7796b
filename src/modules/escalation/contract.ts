/**
 * What every surface (help centre "Contact us", bot, flows, widget) hands over when a customer wants a
 * human: the context that spares them from repeating anything. The escalation module turns it into a
 * ticket (or a live handoff) and shows it to the agent.
 */
export type EscalationChannel = 'form' | 'callback' | 'live';
export type EscalationSource = 'helpcentre' | 'widget' | 'bot' | 'flow' | 'api';

export interface TranscriptEntry {
  at: string; // ISO date
  from: 'customer' | 'bot' | 'agent' | 'system';
  text: string;
  /** Answer ids proposed by the bot in this turn, with their confidence. */
  answers?: Array<{ id: string; confidence: number }>;
}

export interface EscalationContext {
  locale: string;
  source: EscalationSource;
  /** Page the customer came from (URL), and device summary from the user agent. */
  pageUrl?: string;
  device?: string;
  /** Anonymous ids of the visitor and the self-service session. */
  visitorId?: string;
  sessionId?: string;
  searches?: Array<{ at: string; query: string; topAnswerId?: string; abstained?: boolean }>;
  articlesViewed?: Array<{ at: string; articleId: string; helpful?: boolean }>;
  conversationId?: string;
  transcript?: TranscriptEntry[];
  /** Guided flow path: each node reached and the answer given. */
  flowPath?: Array<{ flowId: string; nodeId: string; answer?: string }>;
  /** Milliseconds of self-service before asking for a human. */
  selfServiceMs?: number;
  /** Identity asserted by the host site (signed) or typed by the customer. */
  customer?: { id?: string; email?: string; name?: string; phone?: string; segments?: string[] };
}

export interface EscalationRequest {
  channel: EscalationChannel;
  /** Pre-filled from the context; the customer can edit them. */
  subject: string;
  description: string;
  /** For callbacks: phone number and preferred time slot. */
  callback?: { phone: string; preferredTime?: string };
  /** Contact reason chosen by the customer or the flow (`billing`, `technical`…): sets the ticket's level. */
  reason?: string;
  context: EscalationContext;
}
