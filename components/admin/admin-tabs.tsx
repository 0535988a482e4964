'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

const TABS = [
  { href: '/admin/users', label: 'Users' },
  { href: '/admin/keys', label: 'API keys' },
  { href: '/admin/assets', label: 'Assets' },
  { href: '/admin/audit', label: 'Audit' },
  { href: '/admin/models', label: 'Models' },
] as const;

/** The admin sections, as links (each is its own page, so it can be bookmarked). */
export function AdminTabs() {
  const pathname = usePathname();
  return (
    <nav className="admin-tabs" aria-label="Admin sections">
      {TABS.map((t) => (
        // No prefetch: a section may not exist in this build yet (Models comes with model management).
        <Link
          key={t.href}
          href={t.href}
          prefetch={false}
          aria-current={pathname.startsWith(t.href) ? 'page' : undefined}
        >
          {t.label}
        </Link>
      ))}
    </nav>
  );
}
