import { SeatsCard } from '../sso/seats-card';
import { Anchor, Box, Breadcrumbs, Card, Group, SimpleGrid, Stack, Tabs, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { isApiError } from '../../api/client';
import type { GroupDetail } from '../../api/types';
import { useFormat } from '../../app/format';
import { ErrorAlert } from '../../components/api-error';
import { GatedButton } from '../../components/gated-button';
import { NotFoundPanel } from '../../components/not-found';
import { PageHeader } from '../../components/page-header';
import { ListSkeleton } from '../../components/table-states';
import { usePermissions } from '../orgs/orgs.api';
import { DeleteGroupModal } from './delete-group-modal';
import { BrandingTab } from './group-branding-tab';
import { GroupFormModal } from './group-form-modal';
import { InvitationsTab } from './group-invitations-tab';
import { MembersTab } from './group-members-tab';
import { ObserversTab } from './group-observers-tab';
import { ProgramsTab } from './group-programs-tab';
import { DashboardTab } from '../observers/group-dashboard-tab';
import { buildTree, useAllGroups, useGroup } from './groups.api';
import { MembershipSection, RuleModeBadge } from '../profile-fields/membership-section';
import { SpaceView } from '../space/space-view';

const TABS = ['members', 'space', 'invitations', 'observers', 'programs', 'membership', 'stats', 'branding'] as const;
type Tab = (typeof TABS)[number];

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" fw={600} tt="uppercase">
        {label}
      </Text>
      <Text size="sm" component="div">
        {children}
      </Text>
    </div>
  );
}

/** One group: its place in the tree, facts, and tabs for members, observers, programs, statistics and branding. */
export function GroupPage() {
  const { orgId = '', groupId = '' } = useParams();
  const group = useGroup(orgId, groupId);
  if (group.isPending) return <ListSkeleton rows={6} />;
  if (isApiError(group.error, 'not_found') || (group.isError && isApiError(group.error) && group.error.status === 422)) {
    return <NotFoundPanel />;
  }
  if (group.isError) return <ErrorAlert error={group.error} />;
  return <GroupView orgId={orgId} group={group.data} />;
}

function GroupView({ orgId, group }: { orgId: string; group: GroupDetail }) {
  const { t } = useTranslation();
  const { number } = useFormat();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const permissions = usePermissions(orgId);
  const canManage = permissions.can('groups.manage');
  const [editing, { open: openEdit, close: closeEdit }] = useDisclosure(false);
  const [creatingSub, { open: openSub, close: closeSub }] = useDisclosure(false);
  const [deleting, setDeleting] = useState(false);
  const all = useAllGroups(orgId);
  const children = useMemo(() => buildTree(all.data ?? []).byId.get(group.id)?.children ?? [], [all.data, group.id]);

  const tabParam = params.get('tab');
  const tab: Tab = TABS.includes(tabParam as Tab) ? (tabParam as Tab) : 'members';

  return (
    <Stack gap="lg">
      <PageHeader
        title={group.name}
        description={group.description}
        above={
          <Box component="nav" aria-label={t('groups.breadcrumbs')}>
            <Breadcrumbs separator="›">
              <Anchor component={Link} to={`/orgs/${orgId}/groups`} size="sm">
                {t('nav.groups')}
              </Anchor>
              {group.path.map((p) => (
                <Anchor key={p.id} component={Link} to={`/orgs/${orgId}/groups/${p.id}`} size="sm">
                  {p.name}
                </Anchor>
              ))}
              <Text size="sm" aria-current="page">
                {group.name}
              </Text>
            </Breadcrumbs>
          </Box>
        }
        actions={
          <>
            <RuleModeBadge orgId={orgId} groupId={group.id} />
            <GatedButton variant="default" allowed={canManage} reason={t('permissions.groupsManage')} onClick={openEdit}>
              {t('groups.edit')}
            </GatedButton>
            <GatedButton variant="default" allowed={canManage} reason={t('permissions.groupsManage')} onClick={() => setDeleting(true)}>
              {t('groups.delete.action')}
            </GatedButton>
          </>
        }
      />

      <Card withBorder radius="md" p="md">
        <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="md">
          <Fact label={t('groups.columns.members')}>{number(group.memberCount)}</Fact>
          <Fact label={t('groups.fields.parent')}>
            {group.path.length > 0 ? (
              <Anchor component={Link} to={`/orgs/${orgId}/groups/${group.parentId}`}>
                {group.path[group.path.length - 1]?.name}
              </Anchor>
            ) : (
              t('groups.topLevel')
            )}
          </Fact>
          <Fact label={t('groups.fields.referent')}>
            {group.defaultReferent ? `${group.defaultReferent.name} (${group.defaultReferent.email})` : t('groups.noReferent')}
          </Fact>
          <Fact label={t('groups.columns.subgroups')}>
            {children.length === 0 ? (
              t('groups.noSubgroups')
            ) : (
              <Group gap={8}>
                {children.map((c) => (
                  <Anchor key={c.id} component={Link} to={`/orgs/${orgId}/groups/${c.id}`}>
                    {c.name}
                  </Anchor>
                ))}
              </Group>
            )}
          </Fact>
        </SimpleGrid>
        <Group mt="md">
          <GatedButton size="compact-sm" variant="light" allowed={canManage} reason={t('permissions.groupsManage')} onClick={openSub}>
            {t('groups.addSubgroup')}
          </GatedButton>
        </Group>
      </Card>

      <SeatsCard
        seats={group}
        path={`/api/v1/orgs/${orgId}/groups/${group.id}`}
        queryKey={['orgs', orgId, 'groups']}
        allowed={permissions.can('seats.manage')}
      />

      <Tabs
        value={tab}
        onChange={(value) =>
          setParams(
            (prev) => {
              const next = new URLSearchParams(prev);
              next.set('tab', value ?? 'members');
              return next;
            },
            { replace: true },
          )
        }
        keepMounted={false}
      >
        <Tabs.List aria-label={t('groups.tabs.label')}>
          <Tabs.Tab value="members">{t('groups.tabs.members')}</Tabs.Tab>
          <Tabs.Tab value="space">{t('space.tab')}</Tabs.Tab>
          <Tabs.Tab value="invitations">{t('groups.tabs.invitations')}</Tabs.Tab>
          <Tabs.Tab value="observers">{t('groups.tabs.observers')}</Tabs.Tab>
          <Tabs.Tab value="programs">{t('groups.tabs.programs')}</Tabs.Tab>
          <Tabs.Tab value="membership">{t('profileFields.rule.tab')}</Tabs.Tab>
          <Tabs.Tab value="stats">{t('groups.tabs.stats')}</Tabs.Tab>
          <Tabs.Tab value="branding">{t('groups.tabs.branding')}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="members" pt="md">
          <MembersTab orgId={orgId} group={group} canManage={canManage} />
        </Tabs.Panel>
        <Tabs.Panel value="space" pt="md">
          <SpaceView orgId={orgId} groupId={group.id} />
        </Tabs.Panel>
        <Tabs.Panel value="invitations" pt="md">
          <InvitationsTab orgId={orgId} group={group} />
        </Tabs.Panel>
        <Tabs.Panel value="observers" pt="md">
          <ObserversTab orgId={orgId} group={group} canManage={canManage} />
        </Tabs.Panel>
        <Tabs.Panel value="programs" pt="md">
          <ProgramsTab orgId={orgId} group={group} canManage={canManage} />
        </Tabs.Panel>
        <Tabs.Panel value="membership" pt="md">
          <MembershipSection orgId={orgId} groupId={group.id} />
        </Tabs.Panel>
        <Tabs.Panel value="stats" pt="md">
          <DashboardTab orgId={orgId} group={group} />
        </Tabs.Panel>
        <Tabs.Panel value="branding" pt="md">
          <BrandingTab orgId={orgId} group={group} canManage={canManage} />
        </Tabs.Panel>
      </Tabs>

      <GroupFormModal orgId={orgId} opened={editing} onClose={closeEdit} group={group} />
      <GroupFormModal
        orgId={orgId}
        opened={creatingSub}
        onClose={closeSub}
        parentId={group.id}
        onCreated={(created) => navigate(`/orgs/${orgId}/groups/${created.id}`)}
      />
      <DeleteGroupModal
        orgId={orgId}
        group={deleting ? group : null}
        onClose={() => setDeleting(false)}
        onDeleted={() => navigate(`/orgs/${orgId}/groups`, { replace: true })}
      />
    </Stack>
  );
}
