import { Button, Code, Group, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { isRouteErrorResponse, Link, useRouteError } from 'react-router';
import { NotFoundPage, NotFoundPanel } from './not-found';
import { PublicLayout } from './public-layout';

function ErrorContent({ error }: { error: unknown }) {
  const { t } = useTranslation();
  const detail = error instanceof Error ? error.message : undefined;
  return (
    <>
      <Text>{t('crash.text')}</Text>
      {detail && <Code block>{detail}</Code>}
      <Group>
        <Button onClick={() => window.location.reload()}>{t('crash.reload')}</Button>
        <Button component={Link} to="/" variant="default">
          {t('notFound.home')}
        </Button>
      </Group>
    </>
  );
}

/** Error boundary for the whole app: a translated page instead of a blank screen. */
export function RouteErrorPage() {
  const error = useRouteError();
  const { t } = useTranslation();
  if (isRouteErrorResponse(error) && error.status === 404) return <NotFoundPage />;
  return (
    <PublicLayout title={t('crash.title')} width={560}>
      <ErrorContent error={error} />
    </PublicLayout>
  );
}

/** Error boundary inside the organization shell, so the navigation stays usable. */
export function RouteErrorPanel() {
  const error = useRouteError();
  const { t } = useTranslation();
  if (isRouteErrorResponse(error) && error.status === 404) return <NotFoundPanel />;
  return (
    <Stack gap="md" align="flex-start" role="alert">
      <Title order={1}>{t('crash.title')}</Title>
      <ErrorContent error={error} />
    </Stack>
  );
}
