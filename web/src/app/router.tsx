import { createBrowserRouter, Navigate } from 'react-router';
import { NotFoundPage, NotFoundPanel } from '../components/not-found';
import { RouteErrorPage, RouteErrorPanel } from '../components/route-error';
import { RequireAuth } from '../features/account/require-auth';
import { ForgotPasswordPage } from '../features/auth/forgot-password-page';
import { RegisterPage } from '../features/auth/register-page';
import { ResetPasswordPage } from '../features/auth/reset-password-page';
import { SignInPage } from '../features/auth/sign-in-page';
import { VerifyEmailPage } from '../features/auth/verify-email-page';
import { GroupsPage } from '../features/groups/groups-page';
import { ImportsPage } from '../features/imports/imports-page';
import { InvitationsPage } from '../features/invitations/invitations-page';
import { JoinPageSettingsPage } from '../features/join-page/join-page-settings-page';
import { LearnersPage } from '../features/learners/learners-page';
import { CreateOrgPage } from '../features/orgs/create-org-page';
import { HomeRedirect } from '../features/orgs/home-redirect';
import { OrgShell } from '../features/orgs/org-shell';
import { ProgramsPage } from '../features/programs/programs-page';
import { SettingsPage } from '../features/settings/settings-page';
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
      {
        element: <RequireAuth />,
        children: [
          { path: '/orgs/new', element: <CreateOrgPage /> },
          {
            path: '/orgs/:orgId',
            element: <OrgShell />,
            children: [
              {
                errorElement: <RouteErrorPanel />,
                children: [
                  { index: true, element: <Navigate to="learners" replace /> },
                  { path: 'learners', element: <LearnersPage /> },
                  { path: 'groups', element: <GroupsPage /> },
                  { path: 'programs', element: <ProgramsPage /> },
                  { path: 'invitations', element: <InvitationsPage /> },
                  { path: 'imports', element: <ImportsPage /> },
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
