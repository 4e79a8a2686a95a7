import { Badge, type MantineColor, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ImportStatus, Outcome } from './imports.api';

const STATUS_COLORS: Record<ImportStatus, MantineColor> = {
  preview: 'blue',
  approved: 'cyan',
  running: 'violet',
  done: 'green',
  rejected: 'gray',
  failed: 'red',
};

const OUTCOME_COLORS: Record<Outcome, MantineColor> = {
  valid: 'green',
  invalid: 'red',
  duplicate: 'gray',
  conflict: 'orange',
};

/** A badge whose label says it all; the tooltip (hover and keyboard focus) says what it means. */
function ExplainedBadge({ color, label, help }: { color: MantineColor; label: string; help: string }) {
  return (
    <Tooltip label={help} withArrow multiline maw={280} events={{ hover: true, focus: true, touch: true }}>
      <Badge
        color={color}
        // Dark text on the tinted background keeps AA contrast for every colour.
        c="dark.9"
        variant="light"
        radius="sm"
        tabIndex={0}
        style={{ cursor: 'help', textTransform: 'none', whiteSpace: 'nowrap', minWidth: 'max-content' }}
      >
        {label}
      </Badge>
    </Tooltip>
  );
}

/** Where an import stands: waiting for approval, running, done… */
export function ImportStatusBadge({ status }: { status: ImportStatus }) {
  const { t } = useTranslation();
  return <ExplainedBadge color={STATUS_COLORS[status]} label={t(`imports.status.${status}`)} help={t(`imports.statusHelp.${status}`)} />;
}

/** What the check found for one row. */
export function OutcomeBadge({ outcome }: { outcome: Outcome }) {
  const { t } = useTranslation();
  return (
    <ExplainedBadge color={OUTCOME_COLORS[outcome]} label={t(`imports.outcome.${outcome}`)} help={t(`imports.outcomeHelp.${outcome}`)} />
  );
}

export { type Stat, StatCards } from '../../components/stat-cards';
