"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";

const FIELD =
  "mt-1 block w-full rounded-md border border-slate-500 bg-white px-3 py-2 text-slate-900 dark:border-slate-400 dark:bg-slate-900 dark:text-slate-100";

/**
 * Names a connector account that discovery does not propose: a custom gMSA of cloud sync's provisioning agent (it
 * has no telling name) or a renamed Connect account. The next check looks it up and, if it exists, judges it.
 */
export function OtherConnectorForm({
  id,
  onConfirm,
}: {
  id: string;
  onConfirm: (dn: string) => Promise<void>;
}) {
  const [dn, setDn] = useState("");
  async function submit(event: React.FormEvent) {
    event.preventDefault();
    const value = dn.trim();
    if (value.length < 3) return;
    await onConfirm(value);
    setDn("");
  }
  return (
    <form onSubmit={submit} className="space-y-2">
      <label htmlFor={id} className="font-medium">
        Another account (for example a custom cloud sync gMSA): its distinguished name
      </label>
      <p id={`${id}-help`} className="text-sm">
        On the provisioning agent server the account is the Log On As of the Microsoft Entra Provisioning
        Agent service; Get-ADServiceAccount shows its distinguished name.
      </p>
      <input
        id={id}
        aria-describedby={`${id}-help`}
        className={FIELD}
        value={dn}
        onChange={(e) => setDn(e.target.value)}
        placeholder="CN=svc-cloudsync,CN=Managed Service Accounts,DC=contoso,DC=com"
        autoComplete="off"
      />
      <Button type="submit" variant="secondary">
        Confirm this account
      </Button>
    </form>
  );
}
