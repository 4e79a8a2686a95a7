import { Stack, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import type { Program } from '../../api/types';
import { ErrorAlert, useServerErrors } from '../../components/api-error';
import { FormActions, FormModal } from '../../components/form-modal';
import { MemberPicker } from '../../components/member-picker';
import { notify } from '../../components/notify';
import { rules } from '../../components/validators';
import { type ProgramInput, programsApi, useProgramMutation } from './programs.api';

type Values = { title: string; description: string; referentId: string | null };

type Props = {
  orgId: string;
  opened: boolean;
  onClose: () => void;
  program?: Program;
  onCreated?: (program: Program) => void;
};

/** Create a program, or change its title, description and referent. */
export function ProgramFormModal(props: Props) {
  const { t } = useTranslation();
  return (
    <FormModal
      opened={props.opened}
      onClose={props.onClose}
      title={props.program ? t('programs.form.editTitle', { title: props.program.title }) : t('programs.form.createTitle')}
    >
      <ProgramForm {...props} />
    </FormModal>
  );
}

function ProgramForm({ orgId, onClose, program, onCreated }: Props) {
  const { t } = useTranslation();
  const form = useForm<Values>({
    initialValues: {
      title: program?.title ?? '',
      description: program?.description ?? '',
      referentId: program?.referent?.id ?? null,
    },
    validate: { title: rules(t).required },
    validateInputOnBlur: true,
  });
  const server = useServerErrors(form, ['title', 'description', 'referentId']);
  const save = useProgramMutation(orgId, (values: Values) => {
    const body: ProgramInput = {
      title: values.title.trim(),
      description: values.description.trim() || null,
      referentId: values.referentId,
    };
    return program ? programsApi.update(orgId, program.id, body) : programsApi.create(orgId, { ...body, title: values.title.trim() });
  });

  return (
    <form
      noValidate
      onSubmit={form.onSubmit((values) => {
        server.clear();
        save.mutate(values, {
          onSuccess: (saved) => {
            notify.success(program ? t('programs.form.saved', { title: saved.title }) : t('programs.form.created', { title: saved.title }));
            onClose();
            if (!program) onCreated?.(saved);
          },
          onError: server.handle,
        });
      })}
    >
      <Stack gap="md">
        <TextInput label={t('programs.fields.title')} withAsterisk data-autofocus {...form.getInputProps('title')} />
        <Textarea label={t('programs.fields.description')} autosize minRows={3} maxRows={10} {...form.getInputProps('description')} />
        <MemberPicker
          orgId={orgId}
          staffOnly
          label={t('programs.fields.referent')}
          description={t('programs.fields.referentHelp')}
          current={program?.referent}
          value={form.values.referentId}
          onChange={(value) => form.setFieldValue('referentId', value)}
          error={form.errors.referentId}
        />
        <ErrorAlert error={server.error} />
        <FormActions onCancel={onClose} submitLabel={program ? t('common.save') : t('programs.form.create')} loading={save.isPending} />
      </Stack>
    </form>
  );
}
