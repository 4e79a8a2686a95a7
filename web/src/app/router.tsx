import { createBrowserRouter, Navigate } from 'react-router';
import { NotFoundPage, NotFoundPanel } from '../components/not-found';
import { RouteErrorPage, RouteErrorPanel } from '../components/route-error';
import { InvitationLinkPage } from '../features/accept/invitation-link-page';
import { PasscodePage } from '../features/accept/passcode-page';
import { AccountPage } from '../features/account/account-page';
import { RequireAuth } from '../features/account/require-auth';
import { ForgotPasswordPage } from '../features/auth/forgot-password-page';
import { RegisterPage } from '../features/auth/register-page';
import { ResetPasswordPage } from '../features/auth/reset-password-page';
import { SetPasswordPage } from '../features/auth/set-password-page';
import { SignInPage } from '../features/auth/sign-in-page';
import { VerifyEmailPage } from '../features/auth/verify-email-page';
import { ConfirmEmailPage } from '../features/email-change/confirm-email-page';
import { GroupPage } from '../features/groups/group-page';
import { GroupsPage } from '../features/groups/groups-page';
import { CertificatePage } from '../features/home/certificate-page';
import { LearnerHomePage } from '../features/home/learner-home-page';
import { LearnerSpacePage } from '../features/space/space-page';
import { SessionSpacePage } from '../features/space/session-space-page';
import { ImportPage } from '../features/imports/import-page';
import { ImportsPage } from '../features/imports/imports-page';
import { InvitationsPage } from '../features/invitations/invitations-page';
import { JoinVerifyPage } from '../features/join-page/join-verify-page';
import { JoinPageSettingsPage } from '../features/join-page/join-page-settings-page';
import { PublicJoinPageView } from '../features/join-page/public-join-page';
import { LearnersWithRequests } from '../features/domains/join-requests-panel';
import { CreateOrgPage } from '../features/orgs/create-org-page';
import { HomeRedirect } from '../features/orgs/home-redirect';
import { OrgShell } from '../features/orgs/org-shell';
import { ProgramPage } from '../features/programs/program-page';
import { ProgramsPage } from '../features/programs/programs-page';
import { SettingsPage } from '../features/settings/settings-page';
import { DigestLinkPage, MyDigestPrefsPage } from '../features/observers/digest-pages';
import { RootLayout } from './root-layout';

export const router = createBrowserRouter([
  {
    element: <RootLayout />,
    errorElement: <RouteErrorPage />,
    children: [
      { path: '/', element: <HomeRedirect /> },
      { path: '/sign-in', element: <SignInPage /> },
      { path: '/register', element: <RegisterPage /> },
      { path: '/verify-email', element: <VerifyEmailPage /> },
      { path: '/forgot-password', element: <ForgotPasswordPage /> },
      { path: '/reset-password', element: <ResetPasswordPage /> },
      { path: '/set-password', element: <SetPasswordPage /> },
      { path: '/confirm-email', element: <ConfirmEmailPage /> },
      // Public: the link in an invitation email, and joining with a passcode (static `code` wins over `/join/:slug`).
      { path: '/invitations/:token', element: <InvitationLinkPage /> },
      { path: '/digest', element: <DigestLinkPage /> },
      { path: '/join/code', element: <PasscodePage /> },
      { path: '/join/:slug', element: <PublicJoinPageView /> },
      { path: '/join/:slug/verify', element: <JoinVerifyPage /> },
      {
        element: <RequireAuth />,
        children: [
          { path: '/orgs/new', element: <CreateOrgPage /> },
          { path: '/home', element: <LearnerHomePage /> },
          { path: '/account', element: <AccountPage /> },
          { path: '/account/digests', element: <MyDigestPrefsPage /> },
          { path: '/home/groups/:orgId/:groupId', element: <LearnerSpacePage /> },
          { path: '/home/sessions/:orgId/:sessionId', element: <SessionSpacePage /> },
          { path: '/certificates/:certificateId', element: <CertificatePage /> },
          {
            path: '/orgs/:orgId',
            element: <OrgShell />,
            children: [
              {
                errorElement: <RouteErrorPanel />,
                children: [
                  { index: true, element: <Navigate to="learners" replace /> },
                  { path: 'learners', element: <LearnersWithRequests /> },
                  { path: 'groups', element: <GroupsPage /> },
                  { path: 'groups/:groupId', element: <GroupPage /> },
                  { path: 'programs', element: <ProgramsPage /> },
                  { path: 'programs/:programId', element: <ProgramPage /> },
                  { path: 'invitations', element: <InvitationsPage /> },
                  { path: 'imports', element: <ImportsPage /> },
                  { path: 'imports/:importId', element: <ImportPage /> },
                  { path: 'join-page', element: <JoinPageSettingsPage /> },
                  { path: 'settings', element: <SettingsPage /> },
                  { path: '*', element: <NotFoundPanel /> },
                ],
              },
            ],
          },
        ],
      },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);
