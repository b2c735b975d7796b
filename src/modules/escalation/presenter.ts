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

/** Titles of the articles a ticket's context names by id only (older tickets, API callers). */
export type ArticleTitles = ReadonlyMap<string, string>;

/** Article ids in a ticket's context that carry no title: the inbox resolves them at read time. */
export function untitledArticleIds(t: TicketRow): string[] {
  const c = t.context as Omit<EscalationContext, 'customer'>;
  const ids = [
    ...(c.articlesViewed ?? []).filter((a) => !a.title).map((a) => a.articleId),
    ...(c.searches ?? []).filter((s) => !s.shown && s.topAnswerId).map((s) => s.topAnswerId!),
    ...(c.transcript ?? []).flatMap((m) => (m.answers ?? []).map((a) => a.id)),
  ];
  return [...new Set(ids)];
}

/**
 * The customer's self-service path, merged in time order, so the agent reads it as a story: pages,
 * searches (the text typed, what was shown and opened, whether Relais abstained), articles read with
 * their titles and votes, the bot transcript, the guided flow by name with its labelled steps, then
 * the escalation itself with the time spent before it (from the journey's first step). Titles and
 * names, never bare ids: ids the context does not title come resolved in `titles`.
 */
export function buildTimeline(t: TicketRow, titles: ArticleTitles = new Map()): Entry[] {
  const c = t.context as Omit<EscalationContext, 'customer'>;
  const entries: Entry[] = [];
  const created = t.createdAt.toISOString();
  const titleOf = (id: string, given?: string) => given ?? titles.get(id);
  for (const p of c.pages ?? []) entries.push({ at: p.at, kind: 'page', text: p.url });
  for (const s of c.searches ?? []) {
    const top = s.topAnswerId
      ? titleOf(s.topAnswerId, s.shown?.find((x) => x.id === s.topAnswerId)?.title)
      : undefined;
    entries.push({
      at: s.at,
      kind: 'search',
      text: s.query,
      detail: {
        abstained: s.abstained ?? false,
        shown: (s.shown ?? []).map((x) => x.title),
        opened: (s.opened ?? []).map((x) => x.title),
        topAnswer: top ?? null,
      },
    });
  }
  for (const a of c.articlesViewed ?? []) {
    const title = titleOf(a.articleId, a.title);
    entries.push({
      at: a.at,
      kind: 'article',
      text: title ?? (t.locale.startsWith('fr') ? 'Article retiré' : 'Removed article'),
      detail: {
        articleId: a.articleId,
        title: title ?? null,
        locale: a.locale ?? null,
        helpful: a.helpful ?? null,
        comment: a.comment ?? null,
      },
    });
  }
  for (const m of c.transcript ?? []) {
    const answers = (m.answers ?? []).map((x) => ({ ...x, title: titles.get(x.id) ?? null }));
    entries.push({ at: m.at, kind: 'bot', text: m.text, detail: { from: m.from, answers } });
  }
  // Steps recorded by the journey carry their time; older ones sit just before the escalation.
  for (const [i, f] of (c.flowPath ?? []).entries()) {
    const label = f.label ?? f.nodeId;
    entries.push({
      at: f.at ?? created,
      kind: 'flow',
      text: `${f.flowName ? `${f.flowName} · ` : ''}${label}${f.answer ? `: ${f.answer}` : ''}`,
      detail: {
        flowId: f.flowId,
        flowName: f.flowName ?? null,
        nodeId: f.nodeId,
        label,
        answer: f.answer ?? null,
        outcome: f.outcome ?? null,
        step: i + 1,
      },
    });
  }
  entries.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  if (c.pageUrl && !c.pages?.length)
    entries.unshift({ at: entries[0]?.at ?? created, kind: 'page', text: c.pageUrl });
  entries.push({
    at: created,
    kind: 'escalated',
    text: `${t.channel} via ${t.source}`,
    detail: { selfServiceMs: c.selfServiceMs ?? null, device: c.device ?? null, locale: t.locale },
  });
  return entries;
}

export function presentAgentTicket(t: TicketRow, messages: MessageRow[], titles?: ArticleTitles) {
  return {
    ...presentSummary(t),
    customer: { id: t.customerId, email: t.customerEmail, name: t.customerName, phone: t.customerPhone },
    callbackTime: t.callbackTime,
    context: t.context,
    timeline: buildTimeline(t, titles),
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
