import { Alert, Button, Card, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useMe } from '../account/session';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { isApiError } from '../../api/client';
import { ErrorAlert } from '../../components/api-error';
import { ssoApi } from './sso.api';

/** Account page: link the company account (the identity provider of the address's verified domain) to this account. */
export function LinkSsoCard() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const link = useMutation({
    mutationFn: ssoApi.link,
    onSuccess: (res) => window.location.assign(res.redirectUrl),
  });
  const email = useMe().data?.account.email ?? '';
  const check = useQuery({
    queryKey: ['sso', 'email', email],
    queryFn: () => ssoApi.start({ email, check: 'true' }),
    enabled: Boolean(email),
  });
  if (check.data?.method !== 'sso' || isApiError(link.error, 'sso_not_configured')) return null;
  return (
    <Card withBorder radius="md" p="lg" component="section" aria-labelledby="link-sso-title">
      <Stack gap="sm">
        <Title order={2} fz="h3" id="link-sso-title">
          {t('sso.link.title')}
        </Title>
        {params.get('sso') === 'linked' && (
          <Alert color="green" role="status">
            {t('sso.link.done')}
          </Alert>
        )}
        <Text size="sm">{t('sso.link.text')}</Text>
        <Button variant="light" onClick={() => link.mutate()} loading={link.isPending} w="fit-content">
          {t('sso.link.action')}
        </Button>
        <ErrorAlert error={link.error} />
      </Stack>
    </Card>
  );
}
