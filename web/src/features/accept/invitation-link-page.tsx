import { SsoOrgButton } from '../sso/sso-org-button';
import { Alert, Anchor, Button, Card, Center, Divider, Group, Image, Loader, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError, isApiError } from '../../api/client';
import { ConfirmModal } from '../../components/confirm-modal';
import { notify } from '../../components/notify';
import { PasswordField } from '../../components/password-field';
import { MIN_PASSWORD_LENGTH } from '../../components/validators';
import { meKey, useMe, useSignOut } from '../account/session';
import { authApi } from '../auth/auth.api';
import { alertTitle, InvitationErrorAlert, useInvitationError } from '../invitations/errors';
import { AcceptLayout } from './accept-layout';
import { acceptApi, type InvitationView, invitationViewKey, useInvitationView } from './accept.api';

/** Addresses compare the way the server compares them closely enough for a hint; the server decides. */
const sameAddress = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * `/invitations/:token` — the link in an invitation email. Opening it only reads the invitation;
 * accepting, registering and declining happen when the person presses a button.
 */
export function InvitationLinkPage() {
  const { t } = useTranslation();
  const { token = '' } = useParams();
  const view = useInvitationView(token);
  const me = useMe();

  if (!token) return <BrokenLink />;
  if (view.isPending || me.isPending) {
    return (
      <AcceptLayout title={t('invitations.link.loading')}>
        <Center py="lg" role="status">
          <Loader aria-label={t('common.loading')} />
        </Center>
      </AcceptLayout>
    );
  }
  if (view.isError) {
    if (isApiError(view.error, 'invitation_not_found', 'validation_failed')) return <BrokenLink />;
    return (
      <AcceptLayout title={t('invitations.link.errorTitle')}>
        <InvitationErrorAlert error={view.error} />
        <Button variant="default" onClick={() => void view.refetch()} loading={view.isFetching}>
          {t('invitations.link.retry')}
        </Button>
      </AcceptLayout>
    );
  }
  if (view.data.state !== 'open') return <ClosedInvitation view={view.data} signedIn={Boolean(me.data)} />;
  return <OpenInvitation token={token} view={view.data} />;
}

function BrokenLink() {
  const { t } = useTranslation();
  return (
    <AcceptLayout title={t('invitations.link.notFoundTitle')}>
      <Text>{t('invitations.link.notFoundText')}</Text>
      <Text size="sm" c="dimmed">
        {t('invitations.link.askManager')}
      </Text>
      <Anchor component={Link} to="/">
        {t('invitations.link.toTroupe')}
      </Anchor>
    </AcceptLayout>
  );
}

/** Accepted, declined, cancelled, expired or replaced: what happened and what to do now. */
function ClosedInvitation({ view, signedIn }: { view: InvitationView; signedIn: boolean }) {
  const { t } = useTranslation();
  const org = view.organization.name;
  const state = view.state;
  return (
    <AcceptLayout eyebrow={org} title={t(`invitations.link.closed.${state}.title`)}>
      <Alert color={state === 'accepted' ? 'green' : 'yellow'} variant="light" role="status">
        {t(`invitations.link.closed.${state}.text`, { org, email: view.email })}
      </Alert>
      <Text size="sm">{t(`invitations.link.closed.${state}.next`, { org, email: view.email })}</Text>
      {state === 'accepted' ? (
        signedIn ? (
          <Button component={Link} to="/home" fullWidth>
            {t('invitations.link.toHome')}
          </Button>
        ) : (
          <Button component={Link} to={`/sign-in?next=${encodeURIComponent('/home')}`} fullWidth>
            {t('auth.signIn.submit')}
          </Button>
        )
      ) : (
        <Anchor component={Link} to={signedIn ? '/home' : '/'}>
          {signedIn ? t('invitations.link.toHome') : t('invitations.link.toTroupe')}
        </Anchor>
      )}
    </AcceptLayout>
  );
}

function GroupOffer({ group }: { group: InvitationView['groups'][number] }) {
  const { t } = useTranslation();
  // The logo is served to members only: a visitor's browser may not load it, and then it is left out.
  const [logoFailed, setLogoFailed] = useState(false);
  return (
    <Card withBorder radius="md" p="md" component="li">
      <Group gap="sm" wrap="nowrap" align="flex-start">
        {group.logoUrl && !logoFailed && (
          <Image
            src={group.logoUrl}
            alt={t('home.logoOf', { name: group.name })}
            h={40}
            w={40}
            fit="contain"
            radius="sm"
            onError={() => setLogoFailed(true)}
          />
        )}
        <Stack gap={4} style={{ minWidth: 0 }}>
          <Title order={3} fz="h5" style={{ overflowWrap: 'anywhere' }}>
            {group.name}
          </Title>
          {group.welcomeMessage && (
            <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
              {group.welcomeMessage}
            </Text>
          )}
        </Stack>
      </Group>
    </Card>
  );
}

function OpenInvitation({ token, view }: { token: string; view: InvitationView }) {
  const { t } = useTranslation();
  const me = useMe().data;
  const org = view.organization.name;
  const inviter = view.inviter.name;
  const [declining, setDeclining] = useState(false);

  return (
    <AcceptLayout title={org}>
      <Text size="lg">{inviter ? t('invitations.link.invitedBy', { inviter, org }) : t('invitations.link.invited', { org })}</Text>
      {!me && <SsoOrgButton slug={view.organization.slug} />}
      {view.message && (
        <Paper withBorder radius="md" p="md" bg="gray.0" component="figure" m={0}>
          <Text size="xs" c="dimmed" fw={600} component="figcaption" mb={4}>
            {inviter ? t('invitations.link.messageFrom', { inviter }) : t('invitations.link.message')}
          </Text>
          <Text size="sm" component="blockquote" m={0} style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
            {view.message}
          </Text>
        </Paper>
      )}
      {view.groups.length > 0 && (
        <Stack gap="xs">
          <Title order={2} fz="h4">
            {t('invitations.link.groups', { count: view.groups.length })}
          </Title>
          <Stack gap="xs" component="ul" p={0} m={0} style={{ listStyle: 'none' }}>
            {view.groups.map((g) => (
              <GroupOffer key={g.id} group={g} />
            ))}
          </Stack>
        </Stack>
      )}
      <Divider />
      {me ? (
        sameAddress(me.account.email, view.email) ? (
          <AcceptSignedIn token={token} view={view} />
        ) : (
          <WrongAccount view={view} current={me.account.email} />
        )
      ) : view.accountExists ? (
        <SignInAndAccept token={token} view={view} />
      ) : (
        <RegisterAndAccept token={token} view={view} />
      )}
      <Group justify="center">
        <Button variant="default" onClick={() => setDeclining(true)}>
          {t('invitations.link.decline')}
        </Button>
      </Group>
      <DeclineModal token={token} org={org} opened={declining} onClose={() => setDeclining(false)} />
    </AcceptLayout>
  );
}

/** After accepting: fresh account data (memberships), then the learner's home. */
function useJoined(view: InvitationView) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return async () => {
    await queryClient.invalidateQueries({ queryKey: meKey });
    notify.success(t('invitations.link.joined', { org: view.organization.name }));
    navigate('/home', { replace: true });
  };
}

/** Errors that mean the link changed meanwhile (cancelled, replaced…): read it again to show why. */
function useOnClosed(token: string) {
  const queryClient = useQueryClient();
  return (error: unknown) => {
    if (error instanceof ApiError && (error.status === 410 || error.code === 'already_accepted')) {
      void queryClient.invalidateQueries({ queryKey: invitationViewKey(token) });
    }
  };
}

function AcceptSignedIn({ token, view }: { token: string; view: InvitationView }) {
  const { t } = useTranslation();
  const joined = useJoined(view);
  const onClosed = useOnClosed(token);
  const accept = useMutation({ mutationFn: () => acceptApi.accept(token), onSuccess: joined, onError: onClosed });
  if (isApiError(accept.error, 'email_mismatch')) return <WrongAccount view={view} current={null} />;
  return (
    <Stack gap="sm">
      <Text size="sm">{t('invitations.link.signedInAs', { email: view.email })}</Text>
      <InvitationErrorAlert error={accept.error} />
      <Button size="md" fullWidth loading={accept.isPending} onClick={() => accept.mutate()}>
        {t('invitations.link.accept')}
      </Button>
    </Stack>
  );
}

function WrongAccount({ view, current }: { view: InvitationView; current: string | null }) {
  const { t } = useTranslation();
  const signOut = useSignOut();
  return (
    <Stack gap="sm">
      <Alert color="yellow" styles={alertTitle('yellow')} variant="light" title={t('invitations.link.mismatchTitle')}>
        {current
          ? t('invitations.link.mismatchText', { invited: view.email, current })
          : t('invitations.link.mismatchTextShort', { invited: view.email })}
      </Alert>
      <Button size="md" fullWidth loading={signOut.isPending} onClick={() => signOut.mutate()}>
        {t('invitations.link.signOutAndContinue')}
      </Button>
    </Stack>
  );
}

function FixedEmail({ email }: { email: string }) {
  const { t } = useTranslation();
  return (
    <TextInput
      label={t('fields.email')}
      description={t('invitations.link.emailFixed')}
      value={email}
      readOnly
      autoComplete="username"
      styles={{ input: { backgroundColor: 'var(--mantine-color-gray-0)' } }}
    />
  );
}

function SignInAndAccept({ token, view }: { token: string; view: InvitationView }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const describe = useInvitationError();
  const joined = useJoined(view);
  const onClosed = useOnClosed(token);
  const [password, setPassword] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const go = useMutation({
    // The account data is refreshed once, after accepting, so the page does not switch forms midway.
    mutationFn: async () => {
      await authApi.login({ email: view.email, password });
      return acceptApi.accept(token);
    },
    onSuccess: joined,
    onError: (error) => {
      onClosed(error);
      // Signed in but not accepted (the link closed meanwhile): the page follows the new session.
      if (!isApiError(error, 'invalid_credentials', 'email_not_verified', 'rate_limited'))
        void queryClient.invalidateQueries({ queryKey: meKey });
    },
  });
  const passwordError =
    submitted && !password ? t('validation.required') : isApiError(go.error, 'invalid_credentials') ? describe(go.error) : null;
  return (
    <form
      noValidate
      aria-labelledby="sign-in-accept-title"
      onSubmit={(e) => {
        e.preventDefault();
        setSubmitted(true);
        if (password) go.mutate();
      }}
    >
      <Stack gap="sm">
        <Title order={2} fz="h4" id="sign-in-accept-title">
          {t('invitations.link.signInTitle')}
        </Title>
        <Text size="sm">{t('invitations.link.signInText', { email: view.email })}</Text>
        <FixedEmail email={view.email} />
        <PasswordField
          label={t('fields.password')}
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
          error={passwordError}
          withAsterisk
        />
        <Group justify="flex-end">
          <Anchor component={Link} to="/forgot-password" size="sm">
            {t('auth.signIn.forgot')}
          </Anchor>
        </Group>
        {go.isError && !passwordError && <InvitationErrorAlert error={go.error} />}
        <Button type="submit" size="md" fullWidth loading={go.isPending}>
          {t('invitations.link.signInAndAccept')}
        </Button>
      </Stack>
    </form>
  );
}

function RegisterAndAccept({ token, view }: { token: string; view: InvitationView }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const joined = useJoined(view);
  const onClosed = useOnClosed(token);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const register = useMutation({
    mutationFn: () => acceptApi.register(token, { name: name.trim(), password, locale: i18n.language === 'fr' ? 'fr' : 'en' }),
    onSuccess: joined,
    onError: (error) => {
      onClosed(error);
      // Someone created the account meanwhile (another tab): the page switches to signing in.
      if (isApiError(error, 'account_exists')) void queryClient.invalidateQueries({ queryKey: invitationViewKey(token) });
    },
  });
  const fields = register.error instanceof ApiError ? register.error.fieldErrors : {};
  const nameError = submitted && !name.trim() ? t('validation.required') : (fields.name ?? null);
  const passwordError =
    submitted && password.length < MIN_PASSWORD_LENGTH
      ? t('validation.passwordLength', { count: MIN_PASSWORD_LENGTH })
      : (fields.password ?? null);
  const claimed = Boolean(fields.name || fields.password);

  return (
    <form
      noValidate
      aria-labelledby="register-accept-title"
      onSubmit={(e) => {
        e.preventDefault();
        setSubmitted(true);
        if (name.trim() && password.length >= MIN_PASSWORD_LENGTH) register.mutate();
      }}
    >
      <Stack gap="sm">
        <Title order={2} fz="h4" id="register-accept-title">
          {t('invitations.link.registerTitle')}
        </Title>
        <Text size="sm">{t('invitations.link.registerText')}</Text>
        <FixedEmail email={view.email} />
        <TextInput
          label={t('fields.name')}
          autoComplete="name"
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={nameError}
          withAsterisk
        />
        <PasswordField
          label={t('fields.password')}
          description={t('validation.passwordHint', { count: MIN_PASSWORD_LENGTH })}
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
          error={passwordError}
          withAsterisk
        />
        {register.isError && !claimed && <InvitationErrorAlert error={register.error} />}
        <Button type="submit" size="md" fullWidth loading={register.isPending}>
          {t('invitations.link.registerAndAccept')}
        </Button>
      </Stack>
    </form>
  );
}

function DeclineModal({ token, org, opened, onClose }: { token: string; org: string; opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const decline = useMutation({
    mutationFn: () => acceptApi.decline(token),
    onSuccess: async () => {
      onClose();
      await queryClient.invalidateQueries({ queryKey: invitationViewKey(token) });
    },
  });
  return (
    <ConfirmModal
      opened={opened}
      onClose={() => {
        decline.reset();
        onClose();
      }}
      title={t('invitations.link.declineTitle')}
      confirmLabel={t('invitations.link.declineConfirm')}
      danger
      loading={decline.isPending}
      error={decline.error}
      onConfirm={() => decline.mutate()}
    >
      <Text size="sm">{t('invitations.link.declineText', { org })}</Text>
    </ConfirmModal>
  );
}
