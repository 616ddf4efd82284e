/** The product mark: a key card with a return arrow — a password travelling back home. */
export function Logo({ className }: { className?: string }) {
  return (
    <svg viewBox="0 0 64 64" className={className} aria-hidden="true" focusable="false">
      <rect width="64" height="64" rx="14" fill="#0b5cad" />
      <path d="M20 22a12 12 0 0 1 21-5" fill="none" stroke="#fff" strokeWidth="5" strokeLinecap="round" />
      <path
        d="M44 11v8h-8"
        fill="none"
        stroke="#fff"
        strokeWidth="5"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
      <rect x="16" y="30" width="32" height="22" rx="4" fill="#fff" />
      <path
        d="M25 41l5 5 9-10"
        fill="none"
        stroke="#0b5cad"
        strokeWidth="4.5"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}
