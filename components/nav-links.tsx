'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

const LINKS = [
  { href: '/', label: 'Dashboard' },
  { href: '/what-if', label: 'What-if' },
  { href: '/alerts', label: 'Alerts' },
  { href: '/history', label: 'History' },
  { href: '/docs', label: 'API' },
];

export function NavLinks({ showAdmin }: { showAdmin: boolean }) {
  const pathname = usePathname();
  const links = showAdmin ? [...LINKS, { href: '/admin', label: 'Admin' }] : LINKS;
  return (
    <nav className="shell-nav" aria-label="Main">
      {links.map((l) => {
        const active = l.href === '/' ? pathname === '/' : pathname.startsWith(l.href);
        return (
          <Link key={l.href} href={l.href} aria-current={active ? 'page' : undefined}>
            {l.label}
          </Link>
        );
      })}
    </nav>
  );
}
