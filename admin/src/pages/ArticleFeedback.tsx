import { Badge, Group, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { type Article, get } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { QueryError } from '../ui.tsx';

interface Feedback {
  id: number;
  helpful: boolean;
  comment: string | null;
  createdAt: string;
}

/** "Was this helpful?" on this article: the latest votes and what customers wrote with them. */
export function FeedbackPanel({ article }: { article: Article }) {
  const { t, formatDate } = useI18n();
  const feedback = useQuery({
    queryKey: ['feedback', article.id],
    queryFn: () => get<{ items: Feedback[] }>(`/articles/${article.id}/feedback`),
    select: (d) => d.items,
  });
  const items = feedback.data ?? [];
  const helpful = items.filter((f) => f.helpful).length;
  const comments = items.filter((f) => f.comment);
  return (
    <section className="panel" aria-labelledby="feedback-title">
      <h2 id="feedback-title">{t('feedback.title')}</h2>
      {feedback.error && <QueryError error={feedback.error} />}
      {feedback.data && items.length === 0 && <Text c="dimmed">{t('feedback.none')}</Text>}
      {items.length > 0 && (
        <>
          <Group gap="xs" mb="sm">
            <Badge variant="light" color="green">
              {t('feedback.helpful', { count: helpful })}
            </Badge>
            <Badge variant="light" color="red">
              {t('feedback.notHelpful', { count: items.length - helpful })}
            </Badge>
          </Group>
          {comments.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('feedback.noComment')}
            </Text>
          ) : (
            <ul className="plain-list home-list">
              {comments.map((f) => (
                <li key={f.id}>
                  <Text size="sm" className="message-body">
                    {f.comment}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {f.helpful ? t('feedback.wasHelpful') : t('feedback.wasNotHelpful')} ·{' '}
                    {formatDate(f.createdAt)}
                  </Text>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
