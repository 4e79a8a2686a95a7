import { Badge, type MantineColor, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { MemberStatus, SessionStatus } from '../api/types';

/** One colour per status, the same on every page; the label always says it too. */
export const STATUS_COLORS: Record<MemberStatus, MantineColor> = {
  prospect: 'grape',
  pending: 'yellow',
  active: 'green',
  declined: 'red',
  cancelled: 'gray',
  expired: 'orange',
  archived: 'dark',
};

const SESSION_COLORS: Record<SessionStatus, MantineColor> = {
  scheduled: 'blue',
  ongoing: 'green',
  closed: 'gray',
};

function isMemberStatus(value: string): value is MemberStatus {
  return value in STATUS_COLORS;
}

type BadgeProps = { color: MantineColor; label: string; help: string; outline?: boolean };

/** A badge whose explanation shows on hover and on keyboard focus. */
function ExplainedBadge({ color, label, help, outline }: BadgeProps) {
  return (
    <Tooltip label={help} withArrow multiline maw={280} events={{ hover: true, focus: true, touch: true }}>
      <Badge
        color={color}
        // Dark text on the tinted background keeps AA contrast for every colour, yellow included.
        c="dark.9"
        variant={outline ? 'outline' : 'light'}
        radius="sm"
        tabIndex={0}
        // Never cut the label short in a narrow table column.
        style={{ cursor: 'help', textTransform: 'none', minWidth: 'max-content' }}
      >
        {label}
      </Badge>
    </Tooltip>
  );
}

/** The status of a member or an invitation: label, colour and a tooltip saying what it means. */
export function StatusBadge({ status }: { status: MemberStatus | string }) {
  const { t } = useTranslation();
  if (!isMemberStatus(status)) return <Badge variant="default">{status}</Badge>;
  return (
    <ExplainedBadge
      color={STATUS_COLORS[status]}
      label={t(`status.${status}`)}
      help={t(`statusHelp.${status}`)}
      outline={status === 'archived'}
    />
  );
}

/** Scheduled, ongoing or closed, for program sessions. */
export function SessionStatusBadge({ status }: { status: SessionStatus }) {
  const { t } = useTranslation();
  return <ExplainedBadge color={SESSION_COLORS[status]} label={t(`sessionStatus.${status}`)} help={t(`sessionStatusHelp.${status}`)} />;
}
