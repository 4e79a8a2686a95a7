import { Anchor, Stack, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { LearnerLayout } from '../home/learner-layout';
import { SpaceView } from './space-view';

/** A group's space as its learners reach it from their home. */
export function LearnerSpacePage() {
  const { t } = useTranslation();
  const { orgId = '', groupId = '' } = useParams();
  useDocumentTitle(`${t('space.title')} · Troupe`);
  return (
    <LearnerLayout>
      <Stack gap="lg">
        <Anchor component={Link} to="/home" size="sm">
          {t('space.backHome')}
        </Anchor>
        <Title order={1}>{t('space.title')}</Title>
        <SpaceView orgId={orgId} groupId={groupId} />
      </Stack>
    </LearnerLayout>
  );
}
