import { Alert, Anchor, Button, Center, Divider, Group, Loader, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { isApiError } from '../../api/client';
import { PasswordField } from '../../components/password-field';
import { meKey, useMe, useSignOut } from '../account/session';
import { authApi } from '../auth/auth.api';
import { InvitationErrorAlert, useInvitationError } from '../invitations/errors';
import { AcceptLayout } from './accept-layout';
import { acceptApi, type Redeemed } from './accept.api';

const PASSCODE_PATH = '/join/code';
const STORAGE_KEY = 'troupe.pendingPasscode';
/** A code typed before signing in is kept for a day: long enough to confirm a new account's address. */
const KEEP_MS = 24 * 60 * 60 * 1000;
const CHARS = /^[A-Za-z0-9_-]*$/;
const MIN = 6;

// localStorage, not sessionStorage: the address-confirmation link of a new account opens in another tab.
function readStored(): string {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    if (!raw) return '';
    const { code, at } = JSON.parse(raw) as { code?: unknown; at?: unknown };
    if (typeof code !== 'string' || typeof at !== 'number' || Date.now() - at > KEEP_MS) {
      localStorage.removeItem(STORAGE_KEY);
      return '';
    }
    return code;
  } catch {
    return '';
  }
}

function store(code: string): void {
  try {
    if (code) localStorage.setItem(STORAGE_KEY, JSON.stringify({ code, at: Date.now() }));
    else localStorage.removeItem(STORAGE_KEY);
  } catch {
    // Private mode: the code is typed again after signing in.
  }
}

/**
 * `/join/code` — join an organization with the passcode it gave out. A signed-out visitor signs in
 * on this page (no round trip through the sign-in page) or creates an account first; the code is kept meanwhile.
 */
export function PasscodePage() {
  const { t } = useTranslation();
  const me = useMe();
  const [params] = useSearchParams();
  const [code, setCode] = useState(() => (params.get('code') ?? readStored()).trim().slice(0, 64));
  const [joined, setJoined] = useState<Redeemed | null>(null);
  const signedOut = me.data === null;
  // biome-ignore lint/correctness/useExhaustiveDependencies: keep what a signed-out visitor arrived with (?code=), once
  useEffect(() => {
    if (signedOut && code) store(code);
  }, [signedOut]);

  if (joined) return <Joined result={joined} />;
  if (me.isPending) {
    return (
      <AcceptLayout title={t('invitations.code.title')} width={460}>
        <Center py="lg" role="status">
          <Loader aria-label={t('common.loading')} />
        </Center>
      </AcceptLayout>
    );
  }
  return (
    <AcceptLayout title={t('invitations.code.title')} width={460}>
      <Text>{t('invitations.code.text')}</Text>
      <JoinForm
        code={code}
        setCode={(next) => {
          setCode(next);
          if (!me.data) store(next.trim());
        }}
        email={me.data?.account.email ?? null}
        onJoined={(res) => {
          store('');
          setJoined(res);
        }}
      />
    </AcceptLayout>
  );
}

function codeProblem(code: string, submitted: boolean, t: (key: string, o?: Record<string, unknown>) => string): string | null {
  const value = code.trim();
  if (!CHARS.test(value)) return t('invitations.passcodes.codeChars');
  if (submitted && !value) return t('invitations.passcodes.codeRequired');
  if (submitted && value.length < MIN) return t('invitations.passcodes.codeLength', { count: MIN });
  return null;
}

type JoinProps = {
  code: string;
  setCode: (code: string) => void;
  /** The signed-in address, or null: then the form asks for the account's credentials too. */
  email: string | null;
  onJoined: (res: Redeemed) => void;
};

function JoinForm({ code, setCode, email, onJoined }: JoinProps) {
  const { t } = useTranslation();
  const describe = useInvitationError();
  const queryClient = useQueryClient();
  const signOut = useSignOut();
  const [submitted, setSubmitted] = useState(false);
  const [credentials, setCredentials] = useState({ email: '', password: '' });
  const signedIn = email !== null;
  const redeem = useMutation({
    mutationFn: async (passcode: string) => {
      if (!signedIn) await authApi.login({ email: credentials.email.trim(), password: credentials.password });
      return acceptApi.redeem(passcode);
    },
    onSuccess: async (res) => {
      await queryClient.invalidateQueries({ queryKey: meKey });
      onJoined(res);
    },
    onError: (error) => {
      // Signed in, but the code did not work: the page follows the new session and keeps the message.
      if (!signedIn && !isApiError(error, 'invalid_credentials', 'email_not_verified', 'rate_limited', 'validation_failed')) {
        void queryClient.invalidateQueries({ queryKey: meKey });
      }
    },
  });
  const invalid = isApiError(redeem.error, 'passcode_invalid');
  const error = codeProblem(code, submitted, t) ?? (invalid ? describe(redeem.error) : null);
  const credentialsError = isApiError(redeem.error, 'invalid_credentials') ? describe(redeem.error) : null;
  const emailError = !signedIn && submitted && !credentials.email.trim() ? t('validation.required') : null;
  const passwordError = !signedIn && submitted && !credentials.password ? t('validation.required') : credentialsError;

  return (
    <Stack gap="md">
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setSubmitted(true);
          if (codeProblem(code, true, t)) return;
          if (!signedIn && (!credentials.email.trim() || !credentials.password)) return;
          redeem.mutate(code.trim());
        }}
      >
        <Stack gap="md">
          {signedIn && (
            <Text size="sm">
              {t('invitations.code.signedInAs', { email })}{' '}
              <Anchor component="button" type="button" size="sm" onClick={() => signOut.mutate()}>
                {t('invitations.code.notYou')}
              </Anchor>
            </Text>
          )}
          <TextInput
            label={t('invitations.code.label')}
            description={t('invitations.code.help')}
            value={code}
            onChange={(e) => {
              setCode(e.currentTarget.value);
              if (redeem.isError) redeem.reset();
            }}
            error={error}
            autoComplete="off"
            autoCapitalize="characters"
            spellCheck={false}
            maxLength={64}
            size="md"
            withAsterisk
            data-autofocus
          />
          {!signedIn && (
            <>
              <Text size="sm" fw={600}>
                {t('invitations.code.signInText')}
              </Text>
              <TextInput
                label={t('fields.email')}
                type="email"
                autoComplete="email"
                value={credentials.email}
                onChange={(e) => {
                  const value = e.currentTarget.value;
                  setCredentials((c) => ({ ...c, email: value }));
                }}
                error={emailError}
                withAsterisk
              />
              <PasswordField
                label={t('fields.password')}
                autoComplete="current-password"
                value={credentials.password}
                onChange={(e) => {
                  const value = e.currentTarget.value;
                  setCredentials((c) => ({ ...c, password: value }));
                }}
                error={passwordError}
                withAsterisk
              />
              <Group justify="flex-end">
                <Anchor component={Link} to="/forgot-password" size="sm">
                  {t('auth.signIn.forgot')}
                </Anchor>
              </Group>
            </>
          )}
          {redeem.isError && !invalid && !credentialsError && (
            <InvitationErrorAlert error={redeem.error}>
              {isApiError(redeem.error, 'capacity_reached') && (
                <Text size="sm" mt={4}>
                  {t('invitations.code.capacityHelp')}
                </Text>
              )}
            </InvitationErrorAlert>
          )}
          <Button type="submit" size="md" fullWidth loading={redeem.isPending}>
            {signedIn ? t('invitations.code.submit') : t('invitations.code.signInAndJoin')}
          </Button>
        </Stack>
      </form>
      {!signedIn && (
        <>
          <Divider label={t('invitations.code.or')} labelPosition="center" />
          <Stack gap="xs">
            <Text size="sm" fw={600}>
              {t('invitations.code.noAccount')}
            </Text>
            <Button component={Link} to="/register" variant="default" size="md" fullWidth>
              {t('invitations.code.register')}
            </Button>
            <Text size="sm" c="dimmed">
              {t('invitations.code.comeBack', { url: `${window.location.origin}${PASSCODE_PATH}` })}
            </Text>
          </Stack>
        </>
      )}
    </Stack>
  );
}

function Joined({ result }: { result: Redeemed }) {
  const { t } = useTranslation();
  return (
    <AcceptLayout eyebrow={result.orgName} title={t('invitations.code.joinedTitle', { org: result.orgName })} width={460}>
      <Alert color="green" variant="light" role="status">
        {result.alreadyRedeemed
          ? t('invitations.code.alreadyJoined', { org: result.orgName })
          : t('invitations.code.joinedText', { org: result.orgName })}
      </Alert>
      <Button component={Link} to="/home" size="md" fullWidth>
        {t('invitations.link.toHome')}
      </Button>
    </AcceptLayout>
  );
}
