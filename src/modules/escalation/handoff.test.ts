import { describe, expect, it } from 'vitest';
import {
  type HandoffEvent,
  type HandoffState,
  InvalidHandoffTransition,
  initialHandoff,
  transition,
} from './handoff.ts';

const run = (events: HandoffEvent[], from: HandoffState = initialHandoff()) => {
  const steps = [];
  let state = from;
  for (const e of events) {
    const step = transition(state, e);
    steps.push(step);
    state = step.state;
  }
  return { state, steps };
};

describe('live handoff state machine', () => {
  it('bot → waiting → agent → resolved, each step announced to the customer', () => {
    const { state, steps } = run([
      { type: 'request_human', agentsOnline: true },
      { type: 'customer_message' },
      { type: 'agent_joined', agentId: 'a1' },
      { type: 'customer_message' },
      { type: 'resolved' },
    ]);
    expect(steps.map((s) => [s.state.phase, s.route, s.notice ?? null])).toEqual([
      ['waiting_for_agent', 'queue', 'handoff.waiting'],
      ['waiting_for_agent', 'queue', null],
      ['agent', 'agent', 'handoff.agent_joined'],
      ['agent', 'agent', null],
      ['resolved', 'bot', 'handoff.resolved'],
    ]);
    expect(state).toEqual({ phase: 'resolved', session: 1 });
  });

  it('never lets the bot answer while a human is involved', () => {
    for (const phase of ['waiting_for_agent', 'agent', 'ticket'] as const) {
      expect(transition({ phase, session: 1 }, { type: 'customer_message' }).route).not.toBe('bot');
    }
  });

  it('after resolution, a new question starts a fresh, marked bot session — never the old conversation', () => {
    const step = transition({ phase: 'resolved', session: 3 }, { type: 'customer_message' });
    expect(step).toEqual({
      state: { phase: 'bot', session: 4 },
      route: 'bot',
      notice: 'handoff.new_session',
    });
    expect(() =>
      transition({ phase: 'resolved', session: 3 }, { type: 'agent_joined', agentId: 'a' }),
    ).toThrow(InvalidHandoffTransition);
  });

  it('falls back to a ticket, saying so, when nobody is online or nobody comes', () => {
    expect(transition(initialHandoff(), { type: 'request_human', agentsOnline: false })).toMatchObject({
      state: { phase: 'ticket' },
      notice: 'handoff.no_agent_ticket_created',
    });
    expect(transition({ phase: 'waiting_for_agent', session: 1 }, { type: 'wait_timeout' })).toMatchObject({
      state: { phase: 'ticket' },
      notice: 'handoff.wait_timeout_ticket_created',
    });
  });

  it('an agent leaving puts the customer back in the queue, not with the bot', () => {
    expect(transition({ phase: 'agent', session: 1, agentId: 'a' }, { type: 'agent_left' })).toMatchObject({
      state: { phase: 'waiting_for_agent' },
      route: 'queue',
      notice: 'handoff.agent_left',
    });
  });

  it('rejects every transition that is not drawn', () => {
    expect(() => transition(initialHandoff(), { type: 'resolved' })).toThrow(InvalidHandoffTransition);
    expect(() =>
      transition({ phase: 'ticket', session: 1 }, { type: 'request_human', agentsOnline: true }),
    ).toThrow();
    expect(() =>
      transition({ phase: 'agent', session: 1 }, { type: 'request_human', agentsOnline: true }),
    ).toThrow();
  });
});
