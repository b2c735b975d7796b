import type { MatchResult } from '../../engine/types.ts';
import type { AnswerCard } from '../search/plugin.ts';

export type Generated = { ok: true; text: string; cited: AnswerCard[] } | { ok: false; reason: string };

/** Answers a question from the knowledge base's passages only (RELAIS_LLM_URL). */
export interface Generator {
  answer(
    question: string,
    match: MatchResult,
    ctx: { locale: string; segments: string[]; cards: AnswerCard[] },
  ): Promise<Generated>;
}
