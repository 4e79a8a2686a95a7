import { SegmentedControl, Table } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { DigestFrequency, DigestPrefs } from './observers.api';

const FREQUENCIES: DigestFrequency[] = ['weekly', 'daily', 'off'];

/** One row per observed group, with how often its digest comes. */
export function DigestPrefsTable({
  items,
  showOrg,
  onChange,
}: {
  items: DigestPrefs['items'];
  showOrg: boolean;
  onChange: (groupId: string, frequency: DigestFrequency) => void;
}) {
  const { t } = useTranslation();
  return (
    <Table verticalSpacing="sm">
      <Table.Thead>
        <Table.Tr>
          {showOrg && <Table.Th>{t('observers.digest.organization')}</Table.Th>}
          <Table.Th>{t('observers.digest.group')}</Table.Th>
          <Table.Th>{t('observers.digest.frequency')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {items.map((i) => (
          <Table.Tr key={i.groupId}>
            {showOrg && <Table.Td>{i.orgName}</Table.Td>}
            <Table.Td>{i.groupName}</Table.Td>
            <Table.Td>
              <SegmentedControl
                size="xs"
                value={i.frequency}
                onChange={(v) => onChange(i.groupId, v as DigestFrequency)}
                aria-label={t('observers.digest.frequency')}
                data={FREQUENCIES.map((f) => ({ value: f, label: t(`observers.digest.${f}`) }))}
              />
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
