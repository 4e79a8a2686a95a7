import { Button, Card, Group, Image, SimpleGrid, Stack, Text, Textarea, Title } from '@mantine/core';
import { Dropzone, type FileRejection } from '@mantine/dropzone';
import { useForm } from '@mantine/form';
import { useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/client';
import type { GroupDetail } from '../../api/types';
import { ErrorAlert, useDescribeError, useServerErrors } from '../../components/api-error';
import { GatedButton } from '../../components/gated-button';
import { GroupWelcomeCard } from '../../components/group-welcome-card';
import { notify } from '../../components/notify';
import { groupsApi, type ImageKind, useGroupMutation } from './groups.api';

const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp'];
const MAX_BYTES = 5 * 1024 * 1024;

type Props = { orgId: string; group: GroupDetail; canManage: boolean };

/** Logo, background image and welcome message: what learners see first. */
export function BrandingTab({ orgId, group, canManage }: Props) {
  const { t } = useTranslation();
  return (
    <Stack gap="lg">
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
        <ImageCard orgId={orgId} group={group} kind="logo" canManage={canManage} />
        <ImageCard orgId={orgId} group={group} kind="background" canManage={canManage} />
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
        <WelcomeCard orgId={orgId} group={group} canManage={canManage} />
        <Stack gap="xs">
          <Title order={2} fz="h4">
            {t('groups.branding.preview')}
          </Title>
          <GroupWelcomeCard
            name={group.name}
            welcomeMessage={group.welcomeMessage}
            logoUrl={group.logoUrl}
            backgroundUrl={group.backgroundUrl}
          />
        </Stack>
      </SimpleGrid>
    </Stack>
  );
}

function ImageCard({ orgId, group, kind, canManage }: Props & { kind: ImageKind }) {
  const { t } = useTranslation();
  const describe = useDescribeError();
  const helpId = useId();
  const errorId = useId();
  const [error, setError] = useState<string | null>(null);
  const openRef = useRef<() => void>(null);
  const url = kind === 'logo' ? group.logoUrl : group.backgroundUrl;
  const upload = useGroupMutation(orgId, (file: File) => groupsApi.uploadImage(orgId, group.id, kind, file));
  const remove = useGroupMutation(orgId, () => groupsApi.removeImage(orgId, group.id, kind));
  const label = t(`groups.branding.${kind}`);

  const serverMessage = (err: unknown) => {
    if (isApiError(err, 'payload_too_large')) return t('groups.branding.tooLarge');
    if (isApiError(err, 'invalid_image')) return t('errors.invalid_image');
    return describe(err);
  };
  const onDrop = (files: File[]) => {
    const [file] = files;
    if (!file) return;
    setError(null);
    upload.mutate(file, {
      onSuccess: () => notify.success(t(`groups.branding.${kind}Saved`)),
      onError: (err) => setError(serverMessage(err)),
    });
  };
  const onReject = (rejections: FileRejection[]) => {
    const code = rejections[0]?.errors[0]?.code;
    setError(
      code === 'file-too-large'
        ? t('groups.branding.tooLarge')
        : code === 'too-many-files'
          ? t('groups.branding.oneFile')
          : t('errors.invalid_image'),
    );
  };

  return (
    <Card withBorder radius="md" p="md" component="section" aria-labelledby={`${helpId}-title`}>
      <Stack gap="sm">
        <Title order={2} fz="h4" id={`${helpId}-title`}>
          {label}
        </Title>
        <Text size="sm" c="dimmed" id={helpId}>
          {t(`groups.branding.${kind}Help`)} {t('groups.branding.formats')}
        </Text>
        {url ? (
          <Group gap="md" align="center">
            <Image
              src={url}
              alt={t(kind === 'logo' ? 'home.logoOf' : 'home.backgroundOf', { name: group.name })}
              h={kind === 'logo' ? 64 : 96}
              w={kind === 'logo' ? 64 : 200}
              fit={kind === 'logo' ? 'contain' : 'cover'}
              radius="sm"
              bd="1px solid var(--mantine-color-gray-3)"
            />
            <GatedButton
              size="compact-sm"
              variant="subtle"
              allowed={canManage}
              reason={t('permissions.groupsManage')}
              loading={remove.isPending}
              onClick={() =>
                remove.mutate(undefined, {
                  onSuccess: () => notify.success(t(`groups.branding.${kind}Removed`)),
                  onError: (err) => setError(serverMessage(err)),
                })
              }
            >
              {t(`groups.branding.${kind}Remove`)}
            </GatedButton>
          </Group>
        ) : (
          <Text size="sm" fs="italic">
            {t(`groups.branding.${kind}None`)}
          </Text>
        )}
        {canManage ? (
          <>
            {/* The drop area is for the mouse; keyboard and screen reader users get the real button below. */}
            <Dropzone
              openRef={openRef}
              onDrop={onDrop}
              onReject={onReject}
              accept={IMAGE_TYPES}
              maxSize={MAX_BYTES}
              multiple={false}
              loading={upload.isPending}
              activateOnKeyboard={false}
              tabIndex={-1}
              role="group"
              aria-labelledby={`${helpId}-title`}
              aria-describedby={helpId}
              data-testid={`${kind}-dropzone`}
              bd={error ? '1px dashed var(--mantine-color-error)' : undefined}
            >
              <Stack gap={4} align="center" py="md" style={{ pointerEvents: 'none' }}>
                <Dropzone.Accept>
                  <Text fw={500}>{t('groups.branding.dropAccept')}</Text>
                </Dropzone.Accept>
                <Dropzone.Reject>
                  <Text fw={500}>{t('groups.branding.dropReject')}</Text>
                </Dropzone.Reject>
                <Dropzone.Idle>
                  <Text fw={500}>{t('groups.branding.dropIdle')}</Text>
                </Dropzone.Idle>
                <Text size="xs" c="dimmed">
                  {t('groups.branding.formats')}
                </Text>
              </Stack>
            </Dropzone>
            <Group>
              <Button
                variant="default"
                loading={upload.isPending}
                onClick={() => openRef.current?.()}
                aria-describedby={error ? `${helpId} ${errorId}` : helpId}
              >
                {t(`groups.branding.${kind}Upload`)}
              </Button>
            </Group>
          </>
        ) : (
          <GatedButton allowed={false} reason={t('permissions.groupsManage')} variant="default">
            {t(`groups.branding.${kind}Upload`)}
          </GatedButton>
        )}
        {error && (
          <Text size="sm" c="var(--mantine-color-error)" id={errorId} role="alert">
            {error}
          </Text>
        )}
      </Stack>
    </Card>
  );
}

function WelcomeCard({ orgId, group, canManage }: Props) {
  const { t } = useTranslation();
  const form = useForm({ initialValues: { welcomeMessage: group.welcomeMessage ?? '' } });
  const server = useServerErrors(form, ['welcomeMessage']);
  const save = useGroupMutation(orgId, (welcomeMessage: string) =>
    groupsApi.update(orgId, group.id, { welcomeMessage: welcomeMessage.trim() || null }),
  );
  return (
    <Card withBorder radius="md" p="md" component="section" aria-labelledby="welcome-title">
      <form
        noValidate
        onSubmit={form.onSubmit((values) => {
          server.clear();
          save.mutate(values.welcomeMessage, {
            onSuccess: (saved) => {
              form.resetDirty({ welcomeMessage: saved.welcomeMessage ?? '' });
              notify.success(t('groups.branding.welcomeSaved'));
            },
            onError: server.handle,
          });
        })}
      >
        <Stack gap="sm">
          <Title order={2} fz="h4" id="welcome-title">
            {t('groups.branding.welcomeTitle')}
          </Title>
          <Textarea
            label={t('groups.fields.welcomeMessage')}
            description={t('groups.fields.welcomeHelp')}
            autosize
            minRows={4}
            maxRows={12}
            disabled={!canManage}
            {...form.getInputProps('welcomeMessage')}
          />
          <ErrorAlert error={server.error} />
          <Group>
            <GatedButton
              type="submit"
              allowed={canManage}
              reason={t('permissions.groupsManage')}
              loading={save.isPending}
              disabled={canManage && !form.isDirty()}
            >
              {t('common.save')}
            </GatedButton>
            {form.isDirty() && (
              <Button variant="subtle" onClick={() => form.reset()}>
                {t('common.undo')}
              </Button>
            )}
          </Group>
        </Stack>
      </form>
    </Card>
  );
}
