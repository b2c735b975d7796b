import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers.ts';
import type { Db } from '../../db/client.ts';
import { type EventInput, recordEvent } from '../events/service.ts';
import {
  computeDashboard,
  flowReports,
  refreshRollups,
  topArticles,
  topEscalatingPages,
  topSearches,
} from './service.ts';
import { writeAnalyticsSettings } from './settings.ts';

let t: TestApp;
let db: Db;
const ARTICLE = '11111111-1111-4111-8111-111111111111';

/** Records one event of session `session` at `time` on 2025-03-`day`. */
function ev(session: string, visitor: string, locale: string, day: number, time: string) {
  return (type: string, extra: Partial<EventInput> = {}) =>
    recordEvent(db, {
      type,
      channel: 'helpcentre',
      sessionId: session,
      visitorId: visitor,
      locale,
      at: new Date(`2025-03-${String(day).padStart(2, '0')}T${time}:00Z`),
      ...extra,
    });
}
const search = (resultCount: number, confidence: number, abstained: boolean, query = 'facture') => ({
  data: { query, resultCount, confidence, abstained },
});

beforeAll(async () => {
  t = await createTestApp();
  db = t.app.db;
  await writeAnalyticsSettings(db, { costPerContact: 6, monthlyCost: 30, deflectionWindowHours: 24 });
  // s1: search → article → "helpful": resolved by an article.
  await ev('s1', 'v1', 'fr', 10, '10:00')('search.performed', search(3, 0.9, false, 'Ma facture'));
  await ev('s1', 'v1', 'fr', 10, '10:01')('article.viewed', { subjectType: 'article', subjectId: ARTICLE });
  await ev(
    's1',
    'v1',
    'fr',
    10,
    '10:02',
  )('feedback.given', {
    subjectType: 'article',
    subjectId: ARTICLE,
    data: { helpful: true },
  });
  await ev('s1', 'v1', 'fr', 10, '10:03')('survey.answered', { data: { kind: 'csat', score: 5 } });
  // s2: resolved by the bot.
  await ev('s2', 'v2', 'fr', 10, '11:00')('conversation.started', { channel: 'widget' });
  await ev(
    's2',
    'v2',
    'fr',
    10,
    '11:01',
  )('bot.answered', {
    channel: 'widget',
    data: { query: 'changer de forfait', articleId: ARTICLE, confidence: 0.8 },
  });
  await ev('s2', 'v2', 'fr', 10, '11:02')('survey.answered', { data: { kind: 'csat', score: 3 } });
  // s3: nothing found, escalated 5 minutes after the first attempt.
  await ev('s3', 'v3', 'en', 10, '10:00')('search.performed', search(0, 0, true, 'refund crypto'));
  await ev(
    's3',
    'v3',
    'en',
    10,
    '10:01',
  )('bot.abstained', { data: { query: 'refund crypto', confidence: 0.1 } });
  await ev('s3', 'v3', 'en', 10, '10:02')('contact.form_opened');
  await ev(
    's3',
    'v3',
    'en',
    10,
    '10:05',
  )('escalation.created', { data: { via: 'form', page: '/en/contact' } });
  await ev('s3', 'v3', 'en', 10, '10:06')('survey.answered', { data: { kind: 'csat', score: 1 } });
  // s4: "not helpful", then the same visitor opens a ticket 6 h later in another session (s5).
  await ev('s4', 'v4', 'fr', 10, '09:00')('article.viewed', { subjectType: 'article', subjectId: ARTICLE });
  await ev(
    's4',
    'v4',
    'fr',
    10,
    '09:01',
  )('feedback.given', {
    subjectType: 'article',
    subjectId: ARTICLE,
    data: { helpful: false, query: 'résilier' },
  });
  await ev(
    's5',
    'v4',
    'fr',
    10,
    '15:00',
  )('escalation.created', { data: { via: 'form', page: '/fr/contact' } });
  // s6: a guided flow completed.
  await ev('s6', 'v5', 'en', 10, '12:00')('flow.started', { subjectType: 'flow', subjectId: 'f1' });
  await ev(
    's6',
    'v5',
    'en',
    10,
    '12:01',
  )('flow.step_reached', {
    subjectType: 'flow',
    subjectId: 'f1',
    data: { stepId: 'a', stepIndex: 0 },
  });
  await ev(
    's6',
    'v5',
    'en',
    10,
    '12:02',
  )('flow.step_reached', {
    subjectType: 'flow',
    subjectId: 'f1',
    data: { stepId: 'b', stepIndex: 1 },
  });
  await ev('s6', 'v5', 'en', 10, '12:03')('flow.completed', { subjectType: 'flow', subjectId: 'f1' });
  await ev('s6', 'v5', 'en', 10, '12:04')('survey.answered', { data: { kind: 'ces', score: 6 } });
  // s7: a flow abandoned at its first step, no escalation.
  await ev('s7', 'v6', 'fr', 11, '08:00')('flow.started', { subjectType: 'flow', subjectId: 'f1' });
  await ev(
    's7',
    'v6',
    'fr',
    11,
    '08:01',
  )('flow.step_reached', {
    subjectType: 'flow',
    subjectId: 'f1',
    data: { stepId: 'a', stepIndex: 0 },
  });
  // s8: low-confidence search, the bot hands over 2 minutes later.
  await ev('s8', 'v7', 'fr', 11, '10:00')('search.performed', search(2, 0.3, true, 'facture'));
  await ev(
    's8',
    'v7',
    'fr',
    11,
    '10:02',
  )('bot.escalated', { data: { reason: 'asked_human', page: '/fr/contact' } });
  // s9: the contact form suggested an answer that solved it.
  await ev('s9', 'v8', 'fr', 11, '16:00')('contact.form_opened');
  await ev(
    's9',
    'v8',
    'fr',
    11,
    '16:01',
  )('contact.suggestion_opened', { subjectType: 'article', subjectId: ARTICLE });
  await ev('s9', 'v8', 'fr', 11, '16:02')('contact.deflected');
  // Previous period: one session resolved by an article.
  await ev('p1', 'v9', 'fr', 9, '10:00')('search.performed', search(1, 0.9, false));
  await ev('p1', 'v9', 'fr', 9, '10:01')('article.viewed', { subjectType: 'article', subjectId: ARTICLE });
  await refreshRollups(db, { lagSeconds: 0 });
});
afterAll(() => t.close());

const RANGE = { from: '2025-03-10', to: '2025-03-11' };

describe('KPIs on a known set of sessions', () => {
  it('computes every KPI exactly, with the previous period', async () => {
    const d = await computeDashboard(db, RANGE);
    const k = Object.fromEntries(d.kpis.map((x) => [x.key, x]));
    expect(d.previousRange).toEqual({ from: '2025-03-08', to: '2025-03-09' });
    expect(k.selfServiceSessions).toMatchObject({ value: 7, previous: 1, delta: 6 });
    expect(k.resolutionRate).toMatchObject({ value: 3 / 7, previous: 1 });
    expect(k.deflectionRate!.value).toBe(4 / 7);
    expect(k.escalationRate!.value).toBe(2 / 7);
    expect(k.timeToEscalation!.value).toBe(210);
    expect(k.searches).toMatchObject({ value: 3, previous: 1 });
    expect(k.zeroResultRate!.value).toBe(1 / 3);
    expect(k.abstainRate!.value).toBe(3 / 5);
    expect(k.helpfulness!.value).toBe(0.5);
    expect(k.csat!.value).toBe(1 / 3);
    expect(k.csatAverage!.value).toBe(3);
    expect(k.ces!.value).toBe(6);
    expect(k.flowCompletionRate!.value).toBe(0.5);
    expect(k.contactDeflectionRate!.value).toBe(0.5);
    expect(k.contactsAvoided!.value).toBe(4);
    // 4 contacts avoided × 6 − 30 a month × 2 days / 30
    expect(k.roi!.value).toBe(22);
  });

  it('gives a daily series whose days add up', async () => {
    const d = await computeDashboard(db, RANGE);
    expect(d.series.days).toEqual(['2025-03-10', '2025-03-11']);
    expect(d.series.values.selfServiceSessions).toEqual([5, 2]);
    expect(d.series.values.escalationRate).toEqual([1 / 5, 1 / 2]);
    expect(d.series.values.timeToEscalation).toEqual([300, 120]);
  });

  it('filters by locale and channel', async () => {
    const fr = await computeDashboard(db, { ...RANGE, locale: 'fr' });
    const kfr = Object.fromEntries(fr.kpis.map((x) => [x.key, x.value]));
    expect(kfr.selfServiceSessions).toBe(5); // s1 s2 s4 s7 s8
    expect(kfr.resolutionRate).toBe(2 / 5);
    const widget = await computeDashboard(db, { ...RANGE, channel: 'widget' });
    expect(widget.kpis.find((x) => x.key === 'selfServiceSessions')!.value).toBe(1);
  });

  it('ranks searches, articles, escalating pages and flow drop-off', async () => {
    expect(await topSearches(db, RANGE)).toEqual([
      { query: 'facture', count: 1, zeroResults: 0, abstained: 1 },
      { query: 'ma facture', count: 1, zeroResults: 0, abstained: 0 },
      { query: 'refund crypto', count: 1, zeroResults: 1, abstained: 1 },
    ]);
    expect(await topArticles(db, RANGE)).toEqual([
      { articleId: ARTICLE, title: null, views: 2, helpfulYes: 1, helpfulNo: 1, helpfulness: 0.5 },
    ]);
    expect(await topEscalatingPages(db, RANGE)).toEqual([
      { page: '/fr/contact', escalations: 2 },
      { page: '/en/contact', escalations: 1 },
    ]);
    expect(await flowReports(db, RANGE)).toEqual([
      {
        flowId: 'f1',
        name: null,
        started: 2,
        completed: 1,
        escalated: 0,
        completionRate: 0.5,
        steps: [
          { stepId: 'a', label: null, reached: 2, dropOff: 1, dropOffRate: 0.5 },
          { stepId: 'b', label: null, reached: 1, dropOff: 0, dropOffRate: 0 },
        ],
      },
    ]);
  });

  it('folds only new events on the next refresh (high-water mark)', async () => {
    await ev('s10', 'v10', 'fr', 11, '18:00')('search.performed', search(1, 0.9, false));
    await refreshRollups(db, { lagSeconds: 0 });
    await refreshRollups(db, { lagSeconds: 0 });
    const d = await computeDashboard(db, RANGE);
    expect(d.kpis.find((x) => x.key === 'searches')!.value).toBe(4);
    expect(d.kpis.find((x) => x.key === 'selfServiceSessions')!.value).toBe(8);
  });
});

describe('events recorded without a session id (widget)', () => {
  it('counts one session per visitor and day, and `search.abstained` as an abstained search', async () => {
    const at = new Date('2025-04-01T10:00:00Z');
    await recordEvent(db, {
      type: 'search.abstained',
      channel: 'widget',
      visitorId: 'widget-visitor-1',
      at,
      data: { site: 'nuvia', query: 'box au japon', abstained: true },
    });
    await recordEvent(db, {
      type: 'article.viewed',
      channel: 'widget',
      visitorId: 'widget-visitor-1',
      subjectType: 'article',
      subjectId: ARTICLE,
      at: new Date('2025-04-01T10:01:00Z'),
      data: { site: 'nuvia' },
    });
    await refreshRollups(db, { lagSeconds: 0 });
    const d = await computeDashboard(db, { from: '2025-04-01', to: '2025-04-01' });
    const k = Object.fromEntries(d.kpis.map((x) => [x.key, x.value]));
    expect(k).toMatchObject({ selfServiceSessions: 1, resolutionRate: 1, searches: 1, abstainRate: 1 });
  });
});
