import { Anchor, Stack, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { LearnerLayout } from '../home/learner-layout';
import { SpaceView } from './space-view';

/** A program session's discussion, for those enrolled in it, its referent and admins. */
export function SessionSpacePage() {
  const { t } = useTranslation();
  const { orgId = '', sessionId = '' } = useParams();
  useDocumentTitle(`${t('space.sessionTitle')} · Troupe`);
  return (
    <LearnerLayout>
      <Stack gap="lg">
        <Anchor component={Link} to="/home" size="sm">
          {t('space.backHome')}
        </Anchor>
        <Title order={1}>{t('space.sessionTitle')}</Title>
        <SpaceView orgId={orgId} sessionId={sessionId} />
      </Stack>
    </LearnerLayout>
  );
}
