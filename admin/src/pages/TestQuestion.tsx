import { Button } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { type AnswerResponse, ApiError, post } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { Alert, TextField } from '../ui.tsx';

/** Asks the answer engine what a customer would get, including internal content (staff audience). */
export function TestQuestion() {
  const { t, lang } = useI18n();
  const [question, setQuestion] = useState('');
  const ask = useMutation({
    mutationFn: (q: string) => post<AnswerResponse>('/answer', { question: q, audience: 'internal' }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (question.trim()) ask.mutate(question.trim());
  };
  const percent = new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 0 });
  const pct = (c: number) => Math.round(c * 100);
  const unavailable = ask.error instanceof ApiError && ask.error.status === 404;
  const r = ask.data;
  return (
    <section aria-labelledby="test-title">
      <h2 id="test-title" className="visually-hidden">
        {t('test.title')}
      </h2>
      <form onSubmit={submit} className="inline-form">
        <TextField
          label={t('test.question')}
          name="question"
          value={question}
          onChange={(e) => setQuestion(e.target.value)}
          className="wide"
        />
        <Button variant="default" type="submit" disabled={ask.isPending}>
          {t('test.ask')}
        </Button>
      </form>
      <div aria-live="polite">
        {unavailable && <Alert kind="info">{t('test.unavailable')}</Alert>}
        {ask.error && !unavailable && <Alert>{ask.error.message}</Alert>}
        {r && (
          <>
            <p>
              {r.answered
                ? t('test.answered', { confidence: pct(r.confidence) })
                : t('test.abstained', { confidence: pct(r.confidence) })}
            </p>
            {r.candidates.length === 0 ? (
              <p>{t('test.noCandidates')}</p>
            ) : (
              <ol>
                {r.candidates.map((c) => (
                  <li key={c.id}>
                    <strong>{c.title}</strong> ({c.locale}, {percent.format(c.confidence)}) — {c.shortAnswer}
                    {c.matchedFormulation && (
                      <>
                        {' '}
                        <em>{t('test.matched', { text: c.matchedFormulation })}</em>
                      </>
                    )}
                  </li>
                ))}
              </ol>
            )}
          </>
        )}
      </div>
    </section>
  );
}
