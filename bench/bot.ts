/**
 * Replays scripted conversations through the bot's HTTP API on the Nuvia demo content and prints the
 * answer rate, the correct-answer rate and the escalation rate. `npm run bench:bot`
 *
 * Per conversation, the scripted customer: asks each turn in order; when the bot asks which answer is
 * meant, picks the expected one if offered (else "none of these"); after an answer, says "yes" if it
 * is the expected one and "no" otherwise; stops when the bot answers correctly or offers a human.
 */
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.ts';
import { demoMemorySource } from '../src/demo/memory-source.ts';
import { startRelais } from '../src/start.ts';

interface Script {
  id: string;
  locale: 'fr' | 'en';
  turns: string[];
  expect: string | null;
}
const { conversations } = JSON.parse(
  readFileSync(new URL('./bot-conversations.json', import.meta.url), 'utf8'),
) as {
  conversations: Script[];
};

const config = {
  ...loadConfig({
    RELAIS_DEMO: 'off',
    LOG_LEVEL: 'silent',
    RELAIS_DATA_DIR: join(tmpdir(), 'relais-bench-bot'),
  }),
  databaseUrl: 'memory://',
};
const { app } = await startRelais(config, { searchSource: demoMemorySource() });
await app.searchIndex.settled();

type Reply = {
  quickReplies: Array<{ id: string }>;
  messages: Array<{ answer?: { id: string } }>;
  token?: string;
  conversationId: string;
};
const keyOf = (id: string | undefined) => id?.replace(/\.(fr|en)$/, '');

const rows: Array<{
  id: string;
  locale: string;
  inScope: boolean;
  answered: boolean;
  correct: boolean;
  clarified: boolean;
  escalationOffered: boolean;
}> = [];
for (const [i, s] of conversations.entries()) {
  // One simulated visitor per conversation: the public rate limits are per client address.
  const remoteAddress = `10.0.${i >> 8}.${i & 255}`;
  const created = await app.inject({
    method: 'POST',
    url: '/api/v1/conversations',
    remoteAddress,
    payload: { locale: s.locale },
  });
  const c = created.json() as Reply & { token: string };
  const headers = { 'x-conversation-token': c.token };
  const post = async (path: string, payload: object) =>
    (
      await app.inject({
        method: 'POST',
        url: `/api/v1/conversations/${c.conversationId}/${path}`,
        remoteAddress,
        headers,
        payload,
      })
    ).json() as Reply;
  let answered = false;
  let correct = false;
  let clarified = false;
  let offered = false;
  for (const text of s.turns) {
    let r = await post('messages', { text });
    const ids = () => r.quickReplies.map((q) => q.id);
    if (ids().includes('none')) {
      clarified = true;
      const pick = ids().find((id) => keyOf(id.replace(/^answer:/, '')) === s.expect);
      r = await post('choices', { choice: pick ?? 'none' });
    }
    const shown = r.messages.find((m) => m.answer)?.answer?.id;
    if (shown) {
      answered = true;
      correct = keyOf(shown) === s.expect;
      r = await post('choices', { choice: correct ? 'solved:yes' : 'solved:no' });
    }
    if (ids().includes('escalate') && (r.quickReplies[0]?.id === 'escalate' || !shown))
      offered = offered || r.quickReplies[0]?.id === 'escalate';
    if (correct || offered) break;
  }
  rows.push({
    id: s.id,
    locale: s.locale,
    inScope: s.expect !== null,
    answered,
    correct,
    clarified,
    escalationOffered: offered,
  });
}
await app.close();

const pct = (n: number, d: number) => (d ? `${((100 * n) / d).toFixed(1)} %` : '–');
const line = (label: string, list: typeof rows) => {
  const inScope = list.filter((r) => r.inScope);
  const oos = list.filter((r) => !r.inScope);
  return `| ${label} | ${list.length} | ${pct(inScope.filter((r) => r.answered).length, inScope.length)} | ${pct(inScope.filter((r) => r.correct).length, inScope.length)} | ${pct(oos.filter((r) => !r.answered).length, oos.length)} | ${pct(list.filter((r) => r.escalationOffered).length, list.length)} | ${pct(inScope.filter((r) => r.clarified).length, inScope.length)} |`;
};
console.log(
  '| set | conversations | answer rate (in scope) | correct-answer rate (in scope) | no answer on out-of-scope | escalation offered | clarification asked |',
);
console.log('|---|---|---|---|---|---|---|');
console.log(line('all', rows));
console.log(
  line(
    'fr',
    rows.filter((r) => r.locale === 'fr'),
  ),
);
console.log(
  line(
    'en',
    rows.filter((r) => r.locale === 'en'),
  ),
);
if (process.argv.includes('--details')) for (const r of rows) console.log(JSON.stringify(r));
