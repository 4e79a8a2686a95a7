import { Alert, Anchor, type ComboboxItem, MultiSelect, Text, Textarea } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useFormat } from '../../app/format';
import { alertTitle } from './errors';

/** The longest personal message an invitation may carry (the server's limit). */
export const MESSAGE_MAX = 5000;

type GroupsFieldProps = {
  orgId: string;
  /** The organization has no group yet: say so and link to the groups page instead. */
  noGroups: boolean;
  options: ComboboxItem[];
  value: string[];
  onChange: (value: string[]) => void;
  description?: string;
  error?: ReactNode;
};

/** The groups an invitation puts people in (required); with no group yet, a pointer to create one. */
export function InvitationGroupsField({ orgId, noGroups, options, value, onChange, description, error }: GroupsFieldProps) {
  const { t } = useTranslation();
  if (noGroups) {
    return (
      <Alert color="yellow" styles={alertTitle('yellow')} variant="light" title={t('invitations.invite.noGroupsTitle')}>
        <Text size="sm">{t('invitations.invite.noGroupsText')}</Text>
        <Anchor component={Link} to={`/orgs/${orgId}/groups`} size="sm" fw={600}>
          {t('invitations.invite.goToGroups')}
        </Anchor>
      </Alert>
    );
  }
  return (
    <MultiSelect
      label={t('invitations.invite.groups')}
      description={description}
      data={options}
      value={value}
      onChange={onChange}
      searchable
      clearable
      withAsterisk
      error={error}
      nothingFoundMessage={t('invitations.invite.noGroupFound')}
      comboboxProps={{ withinPortal: true }}
      clearButtonProps={{ 'aria-label': t('common.clear') }}
    />
  );
}

type MessageFieldProps = {
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: ReactNode;
  minRows: number;
  maxRows: number;
};

/** The personal message sent with an invitation, with its length against the limit. */
export function InvitationMessageField({ label, value, onChange, error, minRows, maxRows }: MessageFieldProps) {
  const { t } = useTranslation();
  const { number } = useFormat();
  return (
    <Textarea
      label={label}
      description={t('invitations.invite.messageCount', { n: number(value.length), max: number(MESSAGE_MAX) })}
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      autosize
      minRows={minRows}
      maxRows={maxRows}
      error={error}
    />
  );
}
