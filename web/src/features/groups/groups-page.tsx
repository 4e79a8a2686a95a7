import { ActionIcon, Anchor, Box, Card, Group, Menu, Stack, Table, Text, TextInput, VisuallyHidden } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import type { Group as GroupT } from '../../api/types';
import { useFormat } from '../../app/format';
import { ErrorAlert } from '../../components/api-error';
import { DotsIcon } from '../../components/dots-icon';
import { EmptyCard } from '../../components/empty-page';
import { GatedButton } from '../../components/gated-button';
import { PageHeader } from '../../components/page-header';
import { ActionsHeader, EmptyNote, ListSkeleton } from '../../components/table-states';
import { usePermissions } from '../orgs/orgs.api';
import { DeleteGroupModal } from './delete-group-modal';
import { GroupFormModal } from './group-form-modal';
import { buildTree, flatten, type GroupNode, useAllGroups } from './groups.api';

function Chevron({ open }: { open: boolean }) {
  return (
    <svg
      width="14"
      height="14"
      viewBox="0 0 16 16"
      aria-hidden="true"
      focusable="false"
      style={{ transform: open ? 'rotate(90deg)' : undefined, transition: 'transform 120ms' }}
    >
      <path d="M6 3l5 5-5 5" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}

/** The organization's groups as an indented tree with member counts. */
export function GroupsPage() {
  const { t } = useTranslation();
  const { number } = useFormat();
  const navigate = useNavigate();
  const { orgId = '' } = useParams();
  const canManage = usePermissions(orgId).can('groups.manage');
  const groups = useAllGroups(orgId);
  const [filter, setFilter] = useState('');
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());
  const [creating, { open: openCreate, close: closeCreate }] = useDisclosure(false);
  const [createParent, setCreateParent] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<GroupT | null>(null);

  const tree = useMemo(() => buildTree(groups.data ?? []), [groups.data]);
  const rows = useMemo(() => {
    const all = flatten(tree.roots);
    const q = filter.trim().toLocaleLowerCase();
    if (q) {
      // Matches, with their ancestors so each one keeps its place in the tree.
      const keep = new Set<string>();
      for (const n of all) {
        if (n.name.toLocaleLowerCase().includes(q)) {
          keep.add(n.id);
          for (const a of n.ancestors) keep.add(a);
        }
      }
      return all.filter((n) => keep.has(n.id));
    }
    return all.filter((n) => !n.ancestors.some((a) => collapsed.has(a)));
  }, [tree, filter, collapsed]);

  const toggle = (id: string) =>
    setCollapsed((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const startCreate = (parentId: string | null) => {
    setCreateParent(parentId);
    openCreate();
  };

  const createButton = (
    <GatedButton allowed={canManage} reason={t('permissions.groupsManage')} onClick={() => startCreate(null)}>
      {t('groups.create')}
    </GatedButton>
  );

  const parentName = (n: GroupNode) => (n.parentId ? tree.byId.get(n.parentId)?.name : undefined);

  return (
    <Stack gap="lg">
      <PageHeader title={t('nav.groups')} description={t('groups.intro')} actions={createButton} />
      {groups.isPending ? (
        <ListSkeleton rows={4} />
      ) : groups.isError ? (
        <ErrorAlert error={groups.error} />
      ) : groups.data.length === 0 ? (
        <EmptyCard title={t('groups.empty.title')} text={t('groups.empty.text')} action={createButton} />
      ) : (
        <Card withBorder radius="md" p="md">
          <Stack gap="md">
            <Group justify="space-between" align="flex-end">
              <TextInput label={t('groups.filter')} value={filter} onChange={(e) => setFilter(e.currentTarget.value)} w={320} maw="100%" />
              <Text size="sm" c="dimmed">
                {t('groups.count', { count: groups.data.length, n: number(groups.data.length) })}
              </Text>
            </Group>
            {rows.length === 0 ? (
              <EmptyNote>{t('groups.noMatch')}</EmptyNote>
            ) : (
              <Table.ScrollContainer minWidth={560}>
                <Table highlightOnHover aria-label={t('nav.groups')} verticalSpacing="xs">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th scope="col">{t('groups.columns.name')}</Table.Th>
                      <Table.Th scope="col" ta="right">
                        {t('groups.columns.members')}
                      </Table.Th>
                      <Table.Th scope="col" ta="right">
                        {t('groups.columns.subgroups')}
                      </Table.Th>
                      <ActionsHeader />
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {rows.map((n) => {
                      const open = !collapsed.has(n.id) || filter.trim() !== '';
                      const parent = parentName(n);
                      return (
                        <Table.Tr key={n.id}>
                          <Table.Td>
                            <Group gap={6} wrap="nowrap" pl={n.depth * 28}>
                              {n.children.length > 0 && !filter.trim() ? (
                                <ActionIcon
                                  variant="subtle"
                                  color="gray"
                                  size="sm"
                                  onClick={() => toggle(n.id)}
                                  aria-expanded={open}
                                  aria-label={t(open ? 'groups.collapse' : 'groups.expand', { name: n.name })}
                                >
                                  <Chevron open={open} />
                                </ActionIcon>
                              ) : (
                                <Box w={22} aria-hidden="true" />
                              )}
                              <Anchor component={Link} to={`/orgs/${orgId}/groups/${n.id}`} fw={n.depth === 0 ? 600 : 500}>
                                {n.name}
                              </Anchor>
                              {parent && <VisuallyHidden>{t('groups.subgroupOf', { name: parent })}</VisuallyHidden>}
                            </Group>
                          </Table.Td>
                          <Table.Td ta="right">{number(n.memberCount)}</Table.Td>
                          <Table.Td ta="right">{number(n.subgroupCount)}</Table.Td>
                          <Table.Td ta="right" w={56}>
                            <Menu position="bottom-end" withinPortal>
                              <Menu.Target>
                                <ActionIcon variant="subtle" color="gray" aria-label={t('groups.actionsFor', { name: n.name })}>
                                  <DotsIcon />
                                </ActionIcon>
                              </Menu.Target>
                              <Menu.Dropdown>
                                {!canManage && <Menu.Label maw={240}>{t('permissions.groupsManage')}</Menu.Label>}
                                <Menu.Item onClick={() => navigate(`/orgs/${orgId}/groups/${n.id}`)}>{t('groups.open')}</Menu.Item>
                                <Menu.Item disabled={!canManage} onClick={() => startCreate(n.id)}>
                                  {t('groups.addSubgroup')}
                                </Menu.Item>
                                <Menu.Item disabled={!canManage} c="red.9" onClick={() => setDeleting(n)}>
                                  {t('groups.delete.action')}
                                </Menu.Item>
                              </Menu.Dropdown>
                            </Menu>
                          </Table.Td>
                        </Table.Tr>
                      );
                    })}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )}
          </Stack>
        </Card>
      )}
      <GroupFormModal orgId={orgId} opened={creating} onClose={closeCreate} parentId={createParent} />
      <DeleteGroupModal orgId={orgId} group={deleting} onClose={() => setDeleting(null)} />
    </Stack>
  );
}
