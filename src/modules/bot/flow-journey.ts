import type { DbOrTx } from '../../db/client.ts';
import { recordJourneyStep } from '../journey/service.ts';
import type { FlowRun, FlowStep } from './flow-runner.ts';
import { labelOf } from './flow-schema.ts';
import { loadRunnableFlow } from './flow-service.ts';

interface FlowTurn {
  /** The question the customer just answered, and what they chose or typed. */
  answered: { run: FlowRun; text: string | undefined } | undefined;
  steps: Array<{ flowId: string; version: number; step: FlowStep }>;
  exit: { flowId: string; version: number; type: 'end' | 'escalate' } | undefined;
}

/**
 * Records a turn's flow steps in the customer's journey: the flow's name, each step's label and the
 * answer given, and how the flow ended. Conditions are the flow's own logic and are not steps.
 */
export async function recordFlowJourney(tx: DbOrTx, journeyId: string | undefined, turn: FlowTurn) {
  if (!journeyId) return;
  const defs = new Map<string, Awaited<ReturnType<typeof loadRunnableFlow>>>();
  const def = async (flowId: string, version: number) => {
    const key = `${flowId}@${version}`;
    if (!defs.has(key)) defs.set(key, await loadRunnableFlow(tx, flowId, version));
    return defs.get(key)?.definition;
  };
  const record = async (
    flowId: string,
    version: number,
    nodeId: string,
    extra: { answer?: string; outcome?: 'completed' | 'escalated' | 'abandoned' },
  ) => {
    const d = await def(flowId, version);
    const label = labelOf(d?.nodes[nodeId], nodeId);
    if (!d || label === undefined) return;
    await recordJourneyStep(tx, journeyId, 'flow', {
      kind: 'flow',
      flowId,
      flowName: d.title.slice(0, 300),
      nodeId,
      label,
      ...extra,
    });
  };
  const a = turn.answered;
  if (a?.text) await record(a.run.flowId, a.run.version, a.run.nodeId, { answer: a.text.slice(0, 500) });
  const last = turn.steps.at(-1);
  for (const s of turn.steps) {
    // A question counts once answered (above), with the answer.
    if (s.step.type === 'question') continue;
    const ends = s === last && turn.exit?.flowId === s.flowId;
    await record(s.flowId, s.version, s.step.nodeId, {
      ...(ends ? { outcome: turn.exit?.type === 'escalate' ? 'escalated' : 'completed' } : {}),
    });
  }
}
