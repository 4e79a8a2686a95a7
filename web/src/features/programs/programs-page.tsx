import { Anchor, Card, EmptyState, Group, Stack, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue, useDisclosure } from '@mantine/hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { useFormat } from '../../app/format';
import { ErrorAlert } from '../../components/api-error';
import { GatedButton } from '../../components/gated-button';
import { PageHeader } from '../../components/page-header';
import { ListSkeleton, LoadMore } from '../../components/table-states';
import { usePermissions } from '../orgs/orgs.api';
import { ProgramFormModal } from './program-form-modal';
import { usePrograms } from './programs.api';

/** The organization's programs (trainings), searchable. */
export function ProgramsPage() {
  const { t } = useTranslation();
  const { number, date } = useFormat();
  const navigate = useNavigate();
  const { orgId = '' } = useParams();
  const canManage = usePermissions(orgId).can('programs.manage');
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 300);
  const programs = usePrograms(orgId, q);
  const rows = programs.data?.pages.flatMap((p) => p.items) ?? [];
  const [creating, { open, close }] = useDisclosure(false);

  const createButton = (
    <GatedButton allowed={canManage} reason={t('permissions.programsManage')} onClick={open}>
      {t('programs.create')}
    </GatedButton>
  );

  return (
    <Stack gap="lg">
      <PageHeader title={t('nav.programs')} description={t('programs.intro')} actions={createButton} />
      {programs.isPending ? (
        <ListSkeleton rows={4} />
      ) : programs.isError ? (
        <ErrorAlert error={programs.error} />
      ) : rows.length === 0 && !q ? (
        <Card withBorder radius="md" p="xl">
          <EmptyState>
            <EmptyState.Title order={2}>{t('programs.empty.title')}</EmptyState.Title>
            <EmptyState.Description>{t('programs.empty.text')}</EmptyState.Description>
            <EmptyState.Actions>{createButton}</EmptyState.Actions>
          </EmptyState>
        </Card>
      ) : (
        <Card withBorder radius="md" p="md">
          <Stack gap="md">
            <TextInput label={t('programs.search')} value={search} onChange={(e) => setSearch(e.currentTarget.value)} w={320} maw="100%" />
            {rows.length === 0 ? (
              <Text size="sm" fs="italic">
                {t('programs.noMatch')}
              </Text>
            ) : (
              <Table.ScrollContainer minWidth={560}>
                <Table highlightOnHover aria-label={t('nav.programs')}>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th scope="col">{t('programs.columns.title')}</Table.Th>
                      <Table.Th scope="col">{t('programs.fields.referent')}</Table.Th>
                      <Table.Th scope="col" ta="right">
                        {t('programs.columns.sessions')}
                      </Table.Th>
                      <Table.Th scope="col">{t('programs.columns.createdAt')}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {rows.map((p) => (
                      <Table.Tr key={p.id}>
                        <Table.Td>
                          <Anchor component={Link} to={`/orgs/${orgId}/programs/${p.id}`} fw={500}>
                            {p.title}
                          </Anchor>
                          {p.description && (
                            <Text size="xs" c="dimmed" lineClamp={1}>
                              {p.description}
                            </Text>
                          )}
                        </Table.Td>
                        <Table.Td>{p.referent?.name ?? '—'}</Table.Td>
                        <Table.Td ta="right">{number(p.sessionCount)}</Table.Td>
                        <Table.Td>
                          <time dateTime={p.createdAt}>{date(p.createdAt)}</time>
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )}
            <Group>
              <LoadMore query={programs} />
            </Group>
          </Stack>
        </Card>
      )}
      <ProgramFormModal
        orgId={orgId}
        opened={creating}
        onClose={close}
        onCreated={(program) => navigate(`/orgs/${orgId}/programs/${program.id}`)}
      />
    </Stack>
  );
}
