import { Button, Card, Code, Group, Skeleton, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { AuditEvent } from '../../api/types';
import { useFormat } from '../../app/format';
import { ErrorAlert } from '../../components/api-error';
import { usePermissions } from '../orgs/orgs.api';
import { useAuditEvents } from './settings.api';

/** Our wording for a server code (`org.created`, `location`), or the code itself. */
function useAuditLabel() {
  const { t, i18n } = useTranslation();
  return (group: 'actions' | 'targets', code: string) => {
    const key = `audit.${group}.${code.replace(/[.:/]/g, '_')}`;
    return i18n.exists(key) ? t(key) : code;
  };
}

function EventRow({ event }: { event: AuditEvent }) {
  const { dateTime } = useFormat();
  const label = useAuditLabel();
  return (
    <Table.Tr>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>
        <time dateTime={event.createdAt}>{dateTime(event.createdAt)}</time>
      </Table.Td>
      <Table.Td>{event.actorEmail ?? '—'}</Table.Td>
      <Table.Td>{label('actions', event.action)}</Table.Td>
      <Table.Td>
        {event.targetType ? (
          <>
            {label('targets', event.targetType)} {event.targetId && <Code title={event.targetId}>{event.targetId.slice(0, 8)}</Code>}
          </>
        ) : (
          '—'
        )}
      </Table.Td>
      <Table.Td>{event.ip ?? '—'}</Table.Td>
    </Table.Tr>
  );
}

/** Who did what, when and from where; owners and admins only. */
export function AuditLogCard({ orgId }: { orgId: string }) {
  const { t } = useTranslation();
  const allowed = usePermissions(orgId).can('audit.read');
  const events = useAuditEvents(orgId, allowed);
  const rows = events.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <Card withBorder radius="md" p="lg" component="section" aria-labelledby="audit-title">
      <Stack gap="md">
        <Title order={2} fz="h3" id="audit-title">
          {t('settings.audit.title')}
        </Title>
        {!allowed ? (
          <Text size="sm">{t('permissions.auditRead')}</Text>
        ) : events.isPending ? (
          <Stack gap="xs">
            <Skeleton h={24} />
            <Skeleton h={24} />
            <Skeleton h={24} />
          </Stack>
        ) : events.isError ? (
          <ErrorAlert error={events.error} />
        ) : rows.length === 0 ? (
          <Text size="sm" fs="italic">
            {t('settings.audit.empty')}
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={640}>
            <Table striped highlightOnHover aria-labelledby="audit-title">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('settings.audit.when')}</Table.Th>
                  <Table.Th scope="col">{t('settings.audit.who')}</Table.Th>
                  <Table.Th scope="col">{t('settings.audit.action')}</Table.Th>
                  <Table.Th scope="col">{t('settings.audit.target')}</Table.Th>
                  <Table.Th scope="col">{t('settings.audit.ip')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((event) => (
                  <EventRow key={event.id} event={event} />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {events.hasNextPage && (
          <Group>
            <Button variant="default" loading={events.isFetchingNextPage} onClick={() => void events.fetchNextPage()}>
              {t('common.loadMore')}
            </Button>
          </Group>
        )}
      </Stack>
    </Card>
  );
}
