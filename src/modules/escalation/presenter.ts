import type { EscalationContext } from './contract.ts';
import type { MessageRow, TicketRow } from './repository.ts';

export function presentSummary(t: TicketRow) {
  return {
    id: t.id,
    reference: t.reference,
    status: t.status,
    priority: t.priority,
    level: t.level,
    channel: t.channel,
    source: t.source,
    reason: t.reason,
    subject: t.subject,
    locale: t.locale,
    assigneeId: t.assigneeId,
    tags: t.tags,
    handoffPhase: t.handoffPhase,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
  };
}

export function presentMessage(m: MessageRow) {
  return {
    id: m.id,
    visibility: m.visibility,
    author: m.author,
    authorId: m.authorId,
    body: m.body,
    createdAt: m.createdAt,
  };
}

type Entry = {
  at: string;
  kind: 'page' | 'search' | 'article' | 'bot' | 'flow' | 'escalated';
  text: string;
  detail?: Record<string, unknown>;
};

/**
 * The customer's self-service path, merged in time order, so the agent reads it as a story: searches
 * (and whether Relais abstained), articles viewed with their feedback, the bot transcript, the flow
 * path, then the escalation itself with the time spent before it.
 */
export function buildTimeline(t: TicketRow): Entry[] {
  const c = t.context as Omit<EscalationContext, 'customer'>;
  const entries: Entry[] = [];
  const created = t.createdAt.toISOString();
  for (const s of c.searches ?? []) {
    entries.push({
      at: s.at,
      kind: 'search',
      text: s.query,
      detail: { topAnswerId: s.topAnswerId ?? null, abstained: s.abstained ?? false },
    });
  }
  for (const a of c.articlesViewed ?? []) {
    entries.push({
      at: a.at,
      kind: 'article',
      text: a.articleId,
      detail: { articleId: a.articleId, helpful: a.helpful ?? null },
    });
  }
  for (const m of c.transcript ?? []) {
    entries.push({ at: m.at, kind: 'bot', text: m.text, detail: { from: m.from, answers: m.answers ?? [] } });
  }
  // Flow steps carry no time: they sit just before the escalation, in their order.
  for (const [i, f] of (c.flowPath ?? []).entries()) {
    entries.push({
      at: created,
      kind: 'flow',
      text: f.answer ? `${f.nodeId}: ${f.answer}` : f.nodeId,
      detail: { flowId: f.flowId, nodeId: f.nodeId, answer: f.answer ?? null, step: i + 1 },
    });
  }
  entries.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  if (c.pageUrl) entries.unshift({ at: entries[0]?.at ?? created, kind: 'page', text: c.pageUrl });
  entries.push({
    at: created,
    kind: 'escalated',
    text: `${t.channel} via ${t.source}`,
    detail: { selfServiceMs: c.selfServiceMs ?? null, device: c.device ?? null, locale: t.locale },
  });
  return entries;
}

export function presentAgentTicket(t: TicketRow, messages: MessageRow[]) {
  return {
    ...presentSummary(t),
    customer: { id: t.customerId, email: t.customerEmail, name: t.customerName, phone: t.customerPhone },
    callbackTime: t.callbackTime,
    context: t.context,
    timeline: buildTimeline(t),
    messages: messages.map(presentMessage),
  };
}

/**
 * "This should be an article": a draft from the ticket. Formulations are the customer's own words
 * (subject, searches that did not find it); the body is the agents' public answers, for an editor to
 * rewrite. Personal data in them is the editor's to remove before publishing, so the draft is marked.
 */
export function draftArticleFromTicket(t: TicketRow, messages: MessageRow[]) {
  const c = t.context as Omit<EscalationContext, 'customer'>;
  const answers = messages
    .filter((m) => m.author === 'agent' && m.visibility === 'public')
    .map((m) => m.body);
  const firstAnswer = answers[0] ?? '';
  const shortAnswer = firstAnswer.split(/(?<=[.!?])\s/)[0]?.slice(0, 300) ?? '';
  const question = messages.find((m) => m.author === 'customer')?.body ?? '';
  const formulations = [
    t.subject,
    ...(c.searches ?? []).filter((s) => s.abstained || !s.topAnswerId).map((s) => s.query),
  ];
  const fr = t.locale.startsWith('fr');
  const body = [
    answers.length ? answers.join('\n\n') : fr ? '_Réponse à rédiger._' : '_Answer to write._',
    '',
    fr
      ? `<!-- Brouillon créé depuis le ticket ${t.reference} : retirer toute donnée personnelle. Question d'origine : ${question.slice(0, 500)} -->`
      : `<!-- Drafted from ticket ${t.reference}: remove any personal data. Original question: ${question.slice(0, 500)} -->`,
  ].join('\n');
  return {
    locale: t.locale,
    title: t.subject,
    shortAnswer,
    body,
    formulations: [...new Set(formulations.map((f) => f.trim()).filter(Boolean))].slice(0, 20),
    sourceTicketId: t.id,
  };
}
