"use client";

import { useEffect, useState } from "react";

export function RedirectBridge() {
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    import("@azure/msal-browser/redirect-bridge")
      .then(({ broadcastResponseToMainFrame }) => broadcastResponseToMainFrame())
      .catch(() => setFailed(true));
  }, []);
  return failed ? (
    <p role="alert">The sign-in response could not be processed. Go back to the wizard and sign in again.</p>
  ) : (
    <p>Returning you to the wizard.</p>
  );
}
