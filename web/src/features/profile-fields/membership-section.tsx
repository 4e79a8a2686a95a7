import { Alert, Badge, Button, Card, Group, List, SegmentedControl, Select, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/api-error';
import { GatedButton } from '../../components/gated-button';
import { MemberMultiPicker } from '../../components/member-picker';
import { notify } from '../../components/notify';
import { usePermissions } from '../orgs/orgs.api';
import { ConditionRow, type Draft, fromCondition, toCondition } from './condition-row';
import {
  type Preview,
  type RuleBody,
  type RuleState,
  useGroupRule,
  usePreviewRule,
  useProfileFields,
  useRuleMutations,
} from './fields.api';

const EMPTY: Draft = { field: '', op: 'eq', value: '' };

/** The group's "Membership" tab: manual or rule-based, the rule builder with its preview, exceptions. */
export function MembershipSection({ orgId, groupId }: { orgId: string; groupId: string }) {
  const state = useGroupRule(orgId, groupId);
  if (state.isPending) return <Skeleton h={120} />;
  if (state.isError) return <ErrorAlert error={state.error} />;
  return <MembershipEditor orgId={orgId} groupId={groupId} state={state.data} />;
}

function MembershipEditor({ orgId, groupId, state }: { orgId: string; groupId: string; state: RuleState }) {
  const { t } = useTranslation();
  const allowed = usePermissions(orgId).can('groups.manage');
  const fields = useProfileFields(orgId).data?.items ?? [];
  const [mode, setMode] = useState<'manual' | 'rule'>(state.mode);
  const [match, setMatch] = useState<RuleBody['match']>(state.rule?.match ?? 'all');
  const [drafts, setDrafts] = useState<Draft[]>(state.rule?.conditions.map(fromCondition) ?? [EMPTY]);
  const [preview, setPreview] = useState<Preview | null>(null);
  const previewRule = usePreviewRule(orgId, groupId);
  const m = useRuleMutations(orgId, groupId);
  const body = (): RuleBody => ({ match, conditions: drafts.filter((d) => d.field).map(toCondition) });
  const ready = drafts.some((d) => d.field);
  const reason = t('permissions.groupsManage');

  return (
    <Card withBorder radius="md" p="lg" component="section" aria-labelledby="membership-title">
      <Stack gap="md">
        <Group justify="space-between">
          <Title order={2} fz="h3" id="membership-title">
            {t('profileFields.rule.title')}
          </Title>
          {state.broken && (
            <Badge color="red" variant="filled">
              {t('profileFields.rule.brokenBadge')}
            </Badge>
          )}
        </Group>
        {state.broken && (
          <Alert color="red" role="alert">
            {t('profileFields.rule.broken', { field: state.broken.field })}
          </Alert>
        )}
        <SegmentedControl
          value={mode}
          onChange={(v) => setMode(v as 'manual' | 'rule')}
          data={[
            { value: 'manual', label: t('profileFields.rule.manual') },
            { value: 'rule', label: t('profileFields.rule.ruleBased') },
          ]}
          disabled={!allowed}
          aria-label={t('profileFields.rule.title')}
        />
        <Text size="sm">{mode === 'manual' ? t('profileFields.rule.manualText') : t('profileFields.rule.ruleText')}</Text>
        {mode === 'manual' && state.mode === 'rule' && (
          <Group>
            <GatedButton
              allowed={allowed}
              reason={reason}
              variant="outline"
              loading={m.remove.isPending}
              onClick={() => m.remove.mutate(undefined, { onSuccess: () => notify.success(t('profileFields.rule.madeManual')) })}
            >
              {t('profileFields.rule.makeManual')}
            </GatedButton>
          </Group>
        )}
        {mode === 'rule' && (
          <>
            <Select
              label={t('profileFields.rule.match')}
              data={[
                { value: 'all', label: t('profileFields.rule.matchAll') },
                { value: 'any', label: t('profileFields.rule.matchAny') },
              ]}
              value={match}
              onChange={(v) => setMatch((v ?? 'all') as RuleBody['match'])}
              allowDeselect={false}
              w={240}
              comboboxProps={{ withinPortal: true }}
            />
            {drafts.map((d, i) => (
              <ConditionRow
                // biome-ignore lint/suspicious/noArrayIndexKey: conditions have no id; the list is edited in place
                key={i}
                n={i + 1}
                draft={d}
                fields={fields}
                canRemove={drafts.length > 1}
                onChange={(next) => {
                  setPreview(null);
                  setDrafts(drafts.map((x, j) => (j === i ? next : x)));
                }}
                onRemove={() => setDrafts(drafts.filter((_, j) => j !== i))}
              />
            ))}
            <Group>
              <Button variant="subtle" onClick={() => setDrafts([...drafts, EMPTY])}>
                {t('profileFields.rule.addCondition')}
              </Button>
            </Group>
            <Group>
              <Button
                variant="default"
                disabled={!ready}
                loading={previewRule.isPending}
                onClick={() => previewRule.mutate(body(), { onSuccess: setPreview })}
              >
                {t('profileFields.rule.preview')}
              </Button>
              <GatedButton
                allowed={allowed}
                reason={reason}
                disabled={!ready}
                loading={m.save.isPending}
                onClick={() =>
                  m.save.mutate(body(), {
                    onSuccess: (res) =>
                      notify.success(
                        res.run?.status === 'done'
                          ? t('profileFields.rule.saved', { added: res.run.added, removed: res.run.removed })
                          : t('profileFields.rule.queued'),
                      ),
                  })
                }
              >
                {t('profileFields.rule.save')}
              </GatedButton>
            </Group>
            <ErrorAlert error={previewRule.error ?? m.save.error} />
            {preview && <PreviewResult preview={preview} />}
            {state.run && state.mode === 'rule' && (
              <Text size="sm" c="dimmed">
                {t('profileFields.rule.run', {
                  status: t(`profileFields.rule.runStatus.${state.run.status}`),
                  added: state.run.added,
                  removed: state.run.removed,
                })}
              </Text>
            )}
          </>
        )}
        {state.mode === 'rule' && <Exceptions orgId={orgId} state={state} allowed={allowed} mutation={m.exceptions} />}
      </Stack>
    </Card>
  );
}

function PreviewResult({ preview }: { preview: Preview }) {
  const { t } = useTranslation();
  return (
    <Stack gap="xs" aria-live="polite" data-testid="rule-preview">
      {preview.matchesEveryone && (
        <Alert color="orange" role="alert">
          {t('profileFields.rule.everyone')}
        </Alert>
      )}
      <Text fw={500}>
        {t('profileFields.rule.previewResult', {
          add: preview.add,
          remove: preview.remove,
          matched: preview.matched,
          total: preview.total,
        })}
      </Text>
      {preview.sampleAdd.length > 0 && (
        <div>
          <Text size="sm">{t('profileFields.rule.sampleAdd')}</Text>
          <List size="sm">
            {preview.sampleAdd.map((p) => (
              <List.Item key={p.accountId}>{p.name ? `${p.name} (${p.email})` : p.email}</List.Item>
            ))}
          </List>
        </div>
      )}
      {preview.sampleRemove.length > 0 && (
        <div>
          <Text size="sm">{t('profileFields.rule.sampleRemove')}</Text>
          <List size="sm">
            {preview.sampleRemove.map((p) => (
              <List.Item key={p.accountId}>{p.name ? `${p.name} (${p.email})` : p.email}</List.Item>
            ))}
          </List>
        </div>
      )}
    </Stack>
  );
}

function Exceptions({
  orgId,
  state,
  allowed,
  mutation,
}: {
  orgId: string;
  state: RuleState;
  allowed: boolean;
  mutation: ReturnType<typeof useRuleMutations>['exceptions'];
}) {
  const { t } = useTranslation();
  const [always, setAlways] = useState(state.exceptions.always.map((p) => p.accountId));
  const [never, setNever] = useState(state.exceptions.never.map((p) => p.accountId));
  const names = (list: RuleState['exceptions']['always']) => list.map((p) => p.name || p.email).join(', ');
  return (
    <Stack gap="xs">
      <Title order={3} fz="h4">
        {t('profileFields.rule.exceptions')}
      </Title>
      <MemberMultiPicker
        orgId={orgId}
        label={t('profileFields.rule.always')}
        description={names(state.exceptions.always) || undefined}
        value={always}
        onChange={setAlways}
        disabled={!allowed}
      />
      <MemberMultiPicker
        orgId={orgId}
        label={t('profileFields.rule.never')}
        description={names(state.exceptions.never) || undefined}
        value={never}
        onChange={setNever}
        disabled={!allowed}
      />
      <Group>
        <GatedButton
          allowed={allowed}
          reason={t('permissions.groupsManage')}
          variant="default"
          loading={mutation.isPending}
          onClick={() => mutation.mutate({ always, never }, { onSuccess: () => notify.success(t('profileFields.rule.exceptionsSaved')) })}
        >
          {t('profileFields.rule.saveExceptions')}
        </GatedButton>
      </Group>
      <ErrorAlert error={mutation.error} />
    </Stack>
  );
}

/** A badge for the group's header: rule-based, or its rule broken (a field it read was deleted). */
export function RuleModeBadge({ orgId, groupId }: { orgId: string; groupId: string }) {
  const { t } = useTranslation();
  const state = useGroupRule(orgId, groupId).data;
  if (!state || state.mode === 'manual') return null;
  return state.broken ? (
    <Badge color="red" variant="filled" title={t('profileFields.rule.broken', { field: state.broken.field })}>
      {t('profileFields.rule.brokenBadge')}
    </Badge>
  ) : (
    <Badge variant="light">{t('profileFields.rule.ruleBased')}</Badge>
  );
}
