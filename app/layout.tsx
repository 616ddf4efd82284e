import type { Metadata, Viewport } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import type { ReactNode } from "react";
import { Logo } from "@/components/wizard/logo";
import { ModeBanner } from "@/components/wizard/mode-banner";
import { appMode } from "@/lib/server/env";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "SSPR Writeback Wizard", template: "%s · SSPR Writeback Wizard" },
  description:
    "Enable, verify and clean up Microsoft Entra self-service password reset writeback to Active Directory.",
  robots: { index: false, follow: false },
};

export const viewport: Viewport = {
  width: "device-width",
  initialScale: 1,
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#ffffff" },
    { media: "(prefers-color-scheme: dark)", color: "#020617" },
  ],
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Reading the request makes every page dynamic, which the per-request CSP nonce requires.
  await headers();
  const mode = appMode();
  return (
    <html lang="en">
      <body className="min-h-screen">
        <a
          href="#main"
          className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:bg-white focus:px-3 focus:py-2 focus:text-slate-900"
        >
          Skip to main content
        </a>
        <header className="border-b border-slate-200 bg-slate-50 dark:border-slate-800 dark:bg-slate-900 no-print">
          <div className="mx-auto flex max-w-5xl items-center gap-3 px-4 py-3">
            <Link href="/" className="flex items-center gap-2 font-semibold text-slate-900 dark:text-white">
              <Logo className="h-8 w-8" />
              <span>SSPR Writeback Wizard</span>
            </Link>
          </div>
          <ModeBanner mode={mode} />
        </header>
        <main id="main" className="mx-auto max-w-5xl px-4 py-6 sm:py-8">
          {children}
        </main>
        <footer className="mx-auto max-w-5xl px-4 pb-8 text-sm text-slate-600 dark:text-slate-400 no-print">
          Self-hosted. Nothing you type here leaves this server except the checks you ask for.
        </footer>
      </body>
    </html>
  );
}
