"use client";

import {
  InteractionRequiredAuthError,
  InteractionStatus,
  PublicClientApplication,
  type AccountInfo,
  type IPublicClientApplication,
} from "@azure/msal-browser";
import { MsalProvider, useMsal } from "@azure/msal-react";
import { useEffect, useState } from "react";
import { Button } from "@/components/ui/button";
import { setGraphTokenProvider } from "@/lib/client/graph-token";
import { fetchSignInConfig, postSession } from "@/lib/client/tenant-api";
import { type SignInConfig } from "@/lib/contract/tenant";
import { type StepId } from "@/lib/steps/ids";
import { getStep, GRAPH_SCOPE_REASONS } from "@/lib/steps/catalogue";

/** Graph's own resource id: scopes are requested as `https://graph.microsoft.com/<scope>` in the public cloud. */
function scopeUri(graphBaseUrl: string, scope: string): string {
  return `${new URL(graphBaseUrl).origin}/${scope}`;
}

// Entra sign-in with MSAL (redirect flow). The token lives in MSAL's session storage in this tab; the server
// receives it per call and keeps nothing but its own session cookie. Scopes are asked for step by step, each
// with a plain reason, instead of all at once at sign-in.

let instance: Promise<{ pca: IPublicClientApplication; config: SignInConfig }> | null = null;

function msal(): Promise<{ pca: IPublicClientApplication; config: SignInConfig }> {
  instance ??= fetchSignInConfig().then(async (config) => {
    const pca = new PublicClientApplication({
      auth: {
        clientId: config.clientId ?? "",
        authority: config.authority,
        redirectUri: config.redirectUri ?? undefined,
      },
      cache: { cacheLocation: "sessionStorage" },
    });
    await pca.initialize();
    return { pca, config };
  });
  return instance;
}

function scopesFor(config: SignInConfig, stepId: StepId): string[] {
  return getStep(stepId).graphScopes.map((s) => scopeUri(config.graphBaseUrl, s));
}

export function MsalSignIn({ stepId }: { stepId: StepId }) {
  const [ready, setReady] = useState<{ pca: IPublicClientApplication; config: SignInConfig } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    msal().then(setReady, () => setError("Microsoft sign-in could not be loaded."));
  }, []);
  if (error) return <p role="alert">{error}</p>;
  if (!ready) return <p className="text-sm">Loading Microsoft sign-in…</p>;
  return (
    <MsalProvider instance={ready.pca}>
      <SignInState stepId={stepId} config={ready.config} />
    </MsalProvider>
  );
}

function SignInState({ stepId, config }: { stepId: StepId; config: SignInConfig }) {
  const { instance: pca, accounts, inProgress } = useMsal();
  const account: AccountInfo | undefined = accounts[0];
  const [serverUser, setServerUser] = useState<string | null>(config.signedIn?.upn ?? null);
  const [message, setMessage] = useState<string | null>(null);
  const scopes = scopesFor(config, stepId);

  // Every check of this step asks MSAL for a token with the step's scopes; a missing consent sends the
  // person through Microsoft's consent page once (redirect), then back here.
  useEffect(() => {
    if (!account) return setGraphTokenProvider(null);
    setGraphTokenProvider(async (forStep) => {
      const request = { scopes: scopesFor(config, forStep), account };
      try {
        return (await pca.acquireTokenSilent(request)).accessToken;
      } catch (e) {
        if (e instanceof InteractionRequiredAuthError) await pca.acquireTokenRedirect(request);
        return null;
      }
    });
    return () => setGraphTokenProvider(null);
  }, [pca, account, config]);

  // After the redirect back, the server learns who signed in (through Graph) and sets its own cookie.
  useEffect(() => {
    if (!account || serverUser || inProgress !== InteractionStatus.None) return;
    pca
      .acquireTokenSilent({ scopes: [scopeUri(config.graphBaseUrl, "User.Read")], account })
      .then((result) => postSession(result.accessToken))
      .then((user) => setServerUser(user.upn ?? user.displayName))
      .catch(() => setMessage("Signing in to the wizard failed. Try again."));
  }, [pca, account, serverUser, inProgress, config]);

  const reasons = getStep(stepId).graphScopes.filter((s) => GRAPH_SCOPE_REASONS[s]);
  return (
    <section
      aria-labelledby="signin-heading"
      className="space-y-2 rounded-lg border border-slate-300 p-4 dark:border-slate-700"
    >
      <h2 id="signin-heading" className="text-lg font-semibold">
        Microsoft Entra sign-in
      </h2>
      {account && serverUser ? (
        <p>
          Signed in as <strong>{serverUser}</strong>.{" "}
          <Button variant="link" onClick={() => void pca.logoutRedirect({ account })}>
            Sign out
          </Button>
        </p>
      ) : (
        <Button
          disabled={inProgress !== InteractionStatus.None}
          onClick={() => void pca.loginRedirect({ scopes, redirectStartPage: window.location.href })}
        >
          Sign in with Microsoft
        </Button>
      )}
      <details className="text-sm">
        <summary className="cursor-pointer">Why this step asks for these permissions</summary>
        <ul className="mt-1 list-disc pl-6">
          {reasons.map((scope) => (
            <li key={scope}>
              <code>{scope}</code>: {GRAPH_SCOPE_REASONS[scope]}
            </li>
          ))}
        </ul>
      </details>
      <div aria-live="polite">{message}</div>
    </section>
  );
}
