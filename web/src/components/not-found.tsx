import { Button, Stack, Text, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { PublicLayout } from './public-layout';

/** 404 for addresses outside the organization shell. */
export function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <PublicLayout title={t('notFound.title')}>
      <Text>{t('notFound.text')}</Text>
      <Button component={Link} to="/">
        {t('notFound.home')}
      </Button>
    </PublicLayout>
  );
}

/** 404 inside the organization shell, keeping the navigation around it. */
export function NotFoundPanel() {
  const { t } = useTranslation();
  useDocumentTitle(`${t('notFound.title')} · Troupe`);
  return (
    <Stack gap="md" align="flex-start">
      <Title order={1}>{t('notFound.title')}</Title>
      <Text>{t('notFound.text')}</Text>
      <Button component={Link} to="/">
        {t('notFound.home')}
      </Button>
    </Stack>
  );
}
