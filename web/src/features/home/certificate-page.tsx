import { Anchor, Button, Group, Stack, Text } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { isApiError } from '../../api/client';
import { useFormat } from '../../app/format';
import { ErrorAlert } from '../../components/api-error';
import { Logo } from '../../components/logo';
import { ListSkeleton } from '../../components/table-states';
import classes from './certificate.module.css';
import { useCertificate } from './home.api';
import { LearnerLayout } from './learner-layout';

/** A printable certificate of completion. */
export function CertificatePage() {
  const { t } = useTranslation();
  const { date } = useFormat();
  const { certificateId = '' } = useParams();
  const certificate = useCertificate(certificateId);
  const c = certificate.data;
  useDocumentTitle(c ? `${t('certificate.title')} · ${c.programTitle} · ${c.learnerName}` : `${t('certificate.title')} · Troupe`);

  return (
    <LearnerLayout>
      <Stack gap="lg">
        <Group justify="space-between" className="no-print">
          <Anchor component={Link} to="/home">
            {t('certificate.back')}
          </Anchor>
          {c && <Button onClick={() => window.print()}>{t('certificate.print')}</Button>}
        </Group>
        {certificate.isPending ? (
          <ListSkeleton rows={6} />
        ) : certificate.isError ? (
          isApiError(certificate.error) && [403, 404, 422].includes(certificate.error.status) ? (
            <Stack gap="sm">
              <h1>{t('certificate.notFoundTitle')}</h1>
              <Text>{t('certificate.notFoundText')}</Text>
            </Stack>
          ) : (
            <ErrorAlert error={certificate.error} />
          )
        ) : (
          c && (
            <section className={classes.sheet} aria-labelledby="certificate-title">
              <Stack gap="xs" align="center">
                <Logo size={40} />
                <p className={classes.kicker} id="certificate-title">
                  {t('certificate.title')}
                </p>
                <Text>{t('certificate.certifies')}</Text>
                <h1 className={classes.name}>{c.learnerName}</h1>
                <Text>{t('certificate.completed')}</Text>
                <p className={classes.program}>{c.programTitle}</p>
                <Text size="sm">
                  {c.sessionClosesAt
                    ? t('certificate.session', { opens: date(c.sessionOpensAt), closes: date(c.sessionClosesAt) })
                    : t('certificate.sessionOpen', { opens: date(c.sessionOpensAt) })}
                </Text>
              </Stack>
              <div className={classes.footer}>
                <div>
                  <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
                    {t('certificate.issuedBy')}
                  </Text>
                  <Text fw={600}>{c.organizationName}</Text>
                </div>
                <div>
                  <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
                    {t('certificate.issuedOn')}
                  </Text>
                  <Text fw={600}>
                    <time dateTime={c.issuedAt}>{date(c.issuedAt)}</time>
                  </Text>
                </div>
                <div>
                  <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
                    {t('certificate.number')}
                  </Text>
                  <Text ff="monospace" size="sm">
                    {c.id}
                  </Text>
                </div>
              </div>
            </section>
          )
        )}
      </Stack>
    </LearnerLayout>
  );
}
