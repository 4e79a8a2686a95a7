import { Alert, Anchor, Button, DataList, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { isApiError } from '../../api/client';
import { FullPageLoader } from '../../components/full-page-loader';
import { notify } from '../../components/notify';
import { PasswordField } from '../../components/password-field';
import { MIN_PASSWORD_LENGTH, rules } from '../../components/validators';
import { meKey, useMe, useSignOut } from '../account/session';
import { authApi } from '../auth/auth.api';
import { JoinErrorAlert, useJoinServerErrors } from './join-errors';
import { JoinLayout } from './join-layout';
import { type JoinLink, type JoinLinkState, joinPageApi, useJoinLink } from './join-page.api';
import { JoinUnavailable } from './public-join-page';

/** `/join/:slug/verify?token=…`: opening the link only shows it; joining takes a sign-in as that address or a registration. */
export function JoinVerifyPage() {
  const { t } = useTranslation();
  const { slug = '' } = useParams();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const link = useJoinLink(slug, token);

  if (!token) {
    return (
      <JoinLayout title={t('joinPage.verify.states.notFound.title')}>
        <Alert color="red" variant="light" role="alert">
          {t('joinPage.verify.incompleteLink')}
        </Alert>
        <BackToPage slug={slug} />
      </JoinLayout>
    );
  }
  if (link.isPending) return <FullPageLoader />;
  if (link.isError) {
    if (isApiError(link.error, 'join_page_unavailable')) return <JoinUnavailable />;
    if (isApiError(link.error, 'join_link_not_found')) return <LinkState state="notFound" slug={slug} />;
    return (
      <JoinLayout title={t('errors.title')}>
        <JoinErrorAlert error={link.error} />
      </JoinLayout>
    );
  }
  if (link.data.state !== 'open') return <LinkState state={link.data.state} slug={link.data.slug} link={link.data} />;
  return <OpenLink slug={slug} token={token} link={link.data} />;
}

function BackToPage({ slug, variant = 'default' }: { slug: string; variant?: string }) {
  const { t } = useTranslation();
  return (
    <Button component={Link} to={`/join/${encodeURIComponent(slug)}`} variant={variant}>
      {t('joinPage.verify.backToPage')}
    </Button>
  );
}

/** What happened to a link that can no longer be used, and what to do next. */
function LinkState({ state, slug, link }: { state: Exclude<JoinLinkState, 'open'> | 'notFound'; slug: string; link?: JoinLink }) {
  const { t } = useTranslation();
  const me = useMe().data;
  return (
    <JoinLayout title={t(`joinPage.verify.states.${state}.title`)} orgName={link?.organization.name} logoUrl={link?.branding.logoUrl}>
      <Text>{t(`joinPage.verify.states.${state}.text`)}</Text>
      {state === 'accepted' ? (
        me ? (
          <Button component={Link} to="/home">
            {t('joinPage.verify.home')}
          </Button>
        ) : (
          <Button component={Link} to={`/sign-in?next=${encodeURIComponent('/home')}`}>
            {t('auth.signIn.submit')}
          </Button>
        )
      ) : (
        <BackToPage slug={slug} variant="filled" />
      )}
    </JoinLayout>
  );
}

function Summary({ link, withAddress = true }: { link: JoinLink; withAddress?: boolean }) {
  const { t } = useTranslation();
  return (
    <DataList>
      {link.group && (
        <DataList.Item>
          <DataList.ItemLabel>{t('joinPage.verify.group')}</DataList.ItemLabel>
          <DataList.ItemValue>{link.group.name}</DataList.ItemValue>
        </DataList.Item>
      )}
      {link.location && (
        <DataList.Item>
          <DataList.ItemLabel>{t('joinPage.verify.location')}</DataList.ItemLabel>
          <DataList.ItemValue>{link.location.name}</DataList.ItemValue>
        </DataList.Item>
      )}
      {withAddress && (
        <DataList.Item>
          <DataList.ItemLabel>{t('joinPage.verify.address')}</DataList.ItemLabel>
          <DataList.ItemValue style={{ overflowWrap: 'anywhere' }}>{link.email}</DataList.ItemValue>
        </DataList.Item>
      )}
    </DataList>
  );
}

/** After joining: the session is fresh, so the learner's home shows the new group at once. */
function useAfterJoin(org: string) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return async (res?: { status?: 'joined' | 'pending_approval' }) => {
    await queryClient.invalidateQueries({ queryKey: meKey });
    // issue 16: a page that requires approval lets the person in only once an admin approves.
    if (res?.status === 'pending_approval') notify.success(t('domains.pendingApproval.text', { org }));
    else notify.success(t('joinPage.verify.joined', { org }));
    navigate('/home', { replace: true });
  };
}

function OpenLink({ slug, token, link }: { slug: string; token: string; link: JoinLink }) {
  const { t } = useTranslation();
  const me = useMe();
  const signOut = useSignOut();
  const org = link.organization.name;
  const layout = { title: t('joinPage.verify.title', { org }), orgName: org, logoUrl: link.branding.logoUrl };

  if (me.isPending) return <FullPageLoader />;
  const account = me.data?.account;
  if (account) {
    if (account.email.toLowerCase() === link.email.toLowerCase()) {
      return (
        <JoinLayout {...layout}>
          <Summary link={link} />
          <ConfirmJoin slug={slug} token={token} link={link} />
        </JoinLayout>
      );
    }
    return (
      <JoinLayout {...layout}>
        <Summary link={link} />
        <Alert color="orange" variant="light">
          {t('joinPage.verify.otherAccount', { current: account.email, email: link.email })}
        </Alert>
        <Button loading={signOut.isPending} onClick={() => signOut.mutate()}>
          {t('joinPage.verify.signOut')}
        </Button>
      </JoinLayout>
    );
  }
  if (link.accountExists) {
    return (
      <JoinLayout {...layout}>
        <Summary link={link} withAddress={false} />
        <SignInToJoin link={link} />
      </JoinLayout>
    );
  }
  return (
    <JoinLayout {...layout}>
      <Summary link={link} withAddress={false} />
      <RegisterForm slug={slug} token={token} link={link} />
    </JoinLayout>
  );
}

function ConfirmJoin({ slug, token, link }: { slug: string; token: string; link: JoinLink }) {
  const { t } = useTranslation();
  const org = link.organization.name;
  const after = useAfterJoin(org);
  const accept = useMutation({ mutationFn: () => joinPageApi.accept(slug, token), onSuccess: after });
  return (
    <>
      <Text>{t('joinPage.verify.confirmText', { email: link.email, org })}</Text>
      <JoinErrorAlert error={accept.error} />
      <Button size="md" fullWidth loading={accept.isPending} onClick={() => accept.mutate()}>
        {t('joinPage.verify.join', { org })}
      </Button>
    </>
  );
}

/** The account exists: sign in as that address (fixed) right here; the page then asks to confirm. */
function SignInToJoin({ link }: { link: JoinLink }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const form = useForm({ initialValues: { password: '' }, validate: { password: rules(t).required } });
  const server = useJoinServerErrors(form, ['password']);
  const login = useMutation({
    mutationFn: (password: string) => authApi.login({ email: link.email, password }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: meKey }),
    onError: server.handle,
  });
  return (
    <form
      noValidate
      onSubmit={form.onSubmit((values) => {
        server.clear();
        login.mutate(values.password);
      })}
    >
      <Stack gap="md">
        <Text>{t('joinPage.verify.signInText', { email: link.email })}</Text>
        <TextInput label={t('fields.email')} value={link.email} readOnly type="email" autoComplete="username" />
        <PasswordField label={t('fields.password')} autoComplete="current-password" withAsterisk {...form.getInputProps('password')} />
        <JoinErrorAlert error={server.error} />
        <Button type="submit" size="md" loading={login.isPending} fullWidth>
          {t('joinPage.verify.signIn')}
        </Button>
        <Anchor component={Link} to="/forgot-password" size="sm" ta="center">
          {t('joinPage.verify.forgot')}
        </Anchor>
      </Stack>
    </form>
  );
}

type Values = { name: string; password: string };

function RegisterForm({ slug, token, link }: { slug: string; token: string; link: JoinLink }) {
  const { t, i18n } = useTranslation();
  const after = useAfterJoin(link.organization.name);
  const r = rules(t);
  const form = useForm<Values>({
    initialValues: { name: '', password: '' },
    validate: { name: r.required, password: r.password },
    validateInputOnBlur: true,
  });
  const server = useJoinServerErrors(form, ['name', 'password']);
  const register = useMutation({
    mutationFn: (v: Values) =>
      joinPageApi.register(slug, token, { name: v.name.trim(), password: v.password, locale: i18n.language === 'fr' ? 'fr' : 'en' }),
    onSuccess: after,
    onError: server.handle,
  });
  return (
    <form
      noValidate
      onSubmit={form.onSubmit((values) => {
        server.clear();
        register.mutate(values);
      })}
    >
      <Stack gap="md">
        <Text>{t('joinPage.verify.registerText')}</Text>
        <TextInput label={t('fields.email')} value={link.email} readOnly type="email" autoComplete="username" />
        <TextInput label={t('fields.name')} autoComplete="name" withAsterisk {...form.getInputProps('name')} />
        <PasswordField
          label={t('fields.password')}
          description={t('validation.passwordHint', { count: MIN_PASSWORD_LENGTH })}
          autoComplete="new-password"
          withAsterisk
          {...form.getInputProps('password')}
        />
        <JoinErrorAlert error={server.error} />
        <Button type="submit" size="md" loading={register.isPending} fullWidth>
          {t('joinPage.verify.register')}
        </Button>
      </Stack>
    </form>
  );
}
