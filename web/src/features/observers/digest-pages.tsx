import { Alert, Button, Card, Container, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { ErrorAlert } from '../../components/api-error';
import { notify } from '../../components/notify';
import { PublicLayout } from '../../components/public-layout';
import { ListSkeleton } from '../../components/table-states';
import { DigestPrefsTable } from './digest-prefs-table';
import {
  type DigestFrequency,
  useDigestPrefsByToken,
  useMyDigestPrefs,
  useSetDigestPrefByToken,
  useSetMyDigestPref,
} from './observers.api';

/** The account's digest emails: how often, for each group it observes (any organization). */
export function MyDigestPrefsPage() {
  const { t } = useTranslation();
  const prefs = useMyDigestPrefs();
  const set = useSetMyDigestPref();
  const change = (groupId: string, frequency: DigestFrequency) =>
    set.mutate(
      { groupId, frequency },
      {
        onSuccess: (data) => {
          const g = data.items.find((i) => i.groupId === groupId);
          notify.success(t('observers.digest.saved', { group: g?.groupName ?? '', frequency: t(`observers.digest.${frequency}`) }));
        },
      },
    );
  return (
    <Container size="md" py="lg">
      <Stack gap="md">
        <Title order={1} fz="h2">
          {t('observers.digest.title')}
        </Title>
        <Text c="dimmed">{t('observers.digest.intro')}</Text>
        <ErrorAlert error={set.error} />
        <Card withBorder radius="md">
          {prefs.isPending ? (
            <ListSkeleton rows={3} />
          ) : prefs.isError ? (
            <ErrorAlert error={prefs.error} />
          ) : prefs.data.items.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('observers.digest.none')}
            </Text>
          ) : (
            <DigestPrefsTable items={prefs.data.items} showOrg onChange={change} />
          )}
        </Card>
      </Stack>
    </Container>
  );
}

/** Opened from a digest email (no sign-in): the groups of that digest, their frequency, and "stop all". */
export function DigestLinkPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const prefs = useDigestPrefsByToken(token);
  const set = useSetDigestPrefByToken(token);
  if (!token || prefs.isError)
    return (
      <PublicLayout title={t('observers.digest.pageTitle')}>
        <Alert color="red" variant="light" role="alert">
          {t('observers.digest.invalid')}
        </Alert>
      </PublicLayout>
    );
  if (prefs.isPending)
    return (
      <PublicLayout title={t('observers.digest.pageTitle')}>
        <ListSkeleton rows={2} />
      </PublicLayout>
    );
  const items = prefs.data.items;
  const allOff = items.length > 0 && items.every((i) => i.frequency === 'off');
  return (
    <PublicLayout title={t('observers.digest.pageTitle')} width={560}>
      <Text>{t('observers.digest.pageIntro', { org: items[0]?.orgName ?? '' })}</Text>
      <ErrorAlert error={set.error} />
      {allOff && (
        <Alert color="green" variant="light" role="status">
          {t('observers.digest.allOffDone')}
        </Alert>
      )}
      <DigestPrefsTable items={items} showOrg={false} onChange={(groupId, frequency) => set.mutate({ groupId, frequency })} />
      {!allOff && (
        <Button color="red" variant="light" onClick={() => set.mutate({ frequency: 'off' })} loading={set.isPending}>
          {t('observers.digest.allOff')}
        </Button>
      )}
    </PublicLayout>
  );
}
