import type { Metadata } from "next";
import { notFound } from "next/navigation";

export const metadata: Metadata = { title: "Link not valid", robots: { index: false, follow: false } };

/** Where a dead share link lands: the 404 in ../not-found.tsx, at an address without the token. */
export default function InvalidShareLinkPage() {
  notFound();
}
