import { Alert, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/api-error';
import { notify } from '../../components/notify';
import { useJoinSuggested, useJoinSuggestions } from './domains.api';

/** "Join <organization>?": organizations of the person's verified email domain that let them join or ask to. */
export function JoinSuggestionsCard() {
  const { t } = useTranslation();
  const suggestions = useJoinSuggestions();
  const join = useJoinSuggested();
  const items = suggestions.data?.items ?? [];
  if (items.length === 0) return null;
  return (
    <Stack gap="sm">
      {items.map((s) => (
        <Card key={s.orgId} withBorder radius="md" p="lg" component="section" aria-labelledby={`suggest-${s.orgId}`}>
          <Stack gap="sm">
            <Title order={2} fz="h4" id={`suggest-${s.orgId}`}>
              {t('domains.suggest.title', { org: s.orgName })}
            </Title>
            <Text size="sm">
              {t(s.policy === 'auto_join' ? 'domains.suggest.autoText' : 'domains.suggest.askText', { org: s.orgName, domain: s.domain })}
            </Text>
            {s.requestPending ? (
              <Alert color="blue" variant="light">
                {t('domains.suggest.pending', { org: s.orgName })}
              </Alert>
            ) : (
              <Group>
                <Button
                  loading={join.isPending}
                  onClick={() =>
                    join.mutate(s.orgId, {
                      onSuccess: (res) =>
                        notify.success(t(res.status === 'joined' ? 'domains.suggest.joined' : 'domains.suggest.asked', { org: s.orgName })),
                    })
                  }
                >
                  {t(s.policy === 'auto_join' ? 'domains.suggest.join' : 'domains.suggest.ask')}
                </Button>
              </Group>
            )}
            <ErrorAlert error={join.error} />
          </Stack>
        </Card>
      ))}
    </Stack>
  );
}
