import { Stack } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { PageHeader } from '../../components/page-header';
import { usePermissions } from '../orgs/orgs.api';
import { ImportHistory } from './import-history';
import { ImportStart } from './import-start';

/** Imports: a clear start (template, mode, file or pasted table), then the history of past imports. */
export function ImportsPage() {
  const { t } = useTranslation();
  const { orgId = '' } = useParams();
  const canManage = usePermissions(orgId).can('imports.manage');
  return (
    <Stack gap="lg">
      <PageHeader title={t('nav.imports')} description={t('imports.intro')} />
      <ImportStart orgId={orgId} canManage={canManage} />
      <ImportHistory orgId={orgId} canManage={canManage} />
    </Stack>
  );
}
