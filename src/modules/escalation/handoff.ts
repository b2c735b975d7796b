/**
 * Live handoff between the bot and a human, as an explicit state machine (pure: no I/O).
 *
 *   bot ──request_human──▶ waiting_for_agent ──agent_joined──▶ agent ──resolved──▶ resolved
 *    │  (no agent online)        │ (wait_timeout)               │ (agent_left)          │
 *    ▼                           ▼                              ▼                       │
 *  ticket ◀──────────────────  ticket                   waiting_for_agent               │
 *                                                                                       ▼
 *                               customer_message after `resolved` ─▶ bot (fresh session, marked)
 *
 * Invariants: every transition carries a notice for the customer (never a silent handoff); while a
 * human is involved (waiting, agent) the bot never answers; after an agent resolves, the next question
 * starts a *new* bot session (`session + 1`), never the old one.
 */
export type HandoffPhase = 'bot' | 'waiting_for_agent' | 'agent' | 'resolved' | 'ticket';

export interface HandoffState {
  phase: HandoffPhase;
  /** Conversation session number: incremented each time a resolved conversation starts over. */
  session: number;
  agentId?: string;
}

export type HandoffEvent =
  | { type: 'request_human'; agentsOnline: boolean }
  | { type: 'agent_joined'; agentId: string }
  | { type: 'agent_left' }
  | { type: 'wait_timeout' }
  | { type: 'resolved' }
  | { type: 'customer_message' };

/** Who handles the customer's next message. */
export type Route = 'bot' | 'agent' | 'queue' | 'ticket';

/** What the customer is told, as a stable key the surfaces translate. */
export type NoticeKey =
  | 'handoff.waiting'
  | 'handoff.no_agent_ticket_created'
  | 'handoff.wait_timeout_ticket_created'
  | 'handoff.agent_joined'
  | 'handoff.agent_left'
  | 'handoff.resolved'
  | 'handoff.new_session';

export interface Transition {
  state: HandoffState;
  route: Route;
  /** Shown to the customer; absent only when nothing changed (a message routed in the same phase). */
  notice?: NoticeKey;
}

export class InvalidHandoffTransition extends Error {
  constructor(
    readonly phase: HandoffPhase,
    readonly event: HandoffEvent['type'],
  ) {
    super(`No handoff transition from '${phase}' on '${event}'.`);
  }
}

export const initialHandoff = (): HandoffState => ({ phase: 'bot', session: 1 });

/** Where a customer message goes in each phase, without changing it. */
const ROUTE_OF: Record<HandoffPhase, Route> = {
  bot: 'bot',
  waiting_for_agent: 'queue',
  agent: 'agent',
  resolved: 'bot',
  ticket: 'ticket',
};

export function routeOf(state: HandoffState): Route {
  return ROUTE_OF[state.phase];
}

/** The single transition function; throws InvalidHandoffTransition for anything not drawn above. */
export function transition(state: HandoffState, event: HandoffEvent): Transition {
  const { phase, session } = state;
  switch (`${phase}:${event.type}`) {
    case 'bot:request_human':
      return event.type === 'request_human' && event.agentsOnline
        ? { state: { phase: 'waiting_for_agent', session }, route: 'queue', notice: 'handoff.waiting' }
        : { state: { phase: 'ticket', session }, route: 'ticket', notice: 'handoff.no_agent_ticket_created' };
    case 'waiting_for_agent:agent_joined':
      return {
        state: { phase: 'agent', session, agentId: (event as { agentId: string }).agentId },
        route: 'agent',
        notice: 'handoff.agent_joined',
      };
    case 'waiting_for_agent:wait_timeout':
      return {
        state: { phase: 'ticket', session },
        route: 'ticket',
        notice: 'handoff.wait_timeout_ticket_created',
      };
    case 'agent:agent_left':
      return { state: { phase: 'waiting_for_agent', session }, route: 'queue', notice: 'handoff.agent_left' };
    case 'agent:resolved':
      return { state: { phase: 'resolved', session }, route: 'bot', notice: 'handoff.resolved' };
    case 'resolved:customer_message':
      // Never back into the resolved conversation: a fresh, clearly marked bot session.
      return { state: { phase: 'bot', session: session + 1 }, route: 'bot', notice: 'handoff.new_session' };
    case 'bot:customer_message':
    case 'waiting_for_agent:customer_message':
    case 'agent:customer_message':
    case 'ticket:customer_message':
      return { state, route: ROUTE_OF[phase] };
    default:
      throw new InvalidHandoffTransition(phase, event.type);
  }
}
