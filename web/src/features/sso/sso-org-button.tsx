import { Button } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/api-error';
import { ssoApi } from './sso.api';

/** "Sign in with <organization>" on its join and invitation pages, when it has single sign-on. */
export function SsoOrgButton({ slug }: { slug: string }) {
  const { t } = useTranslation();
  const check = useQuery({
    queryKey: ['sso', 'org', slug],
    queryFn: () => ssoApi.start({ org: slug, check: 'true' }),
    enabled: Boolean(slug),
  });
  const go = useMutation({
    mutationFn: () => ssoApi.start({ org: slug }),
    onSuccess: (res) => {
      if (res.redirectUrl) window.location.assign(res.redirectUrl);
    },
  });
  if (check.data?.method !== 'sso') return null;
  return (
    <>
      <Button variant="light" onClick={() => go.mutate()} loading={go.isPending}>
        {t('sso.signIn.with', { org: check.data.organization })}
      </Button>
      <ErrorAlert error={go.error} />
    </>
  );
}
