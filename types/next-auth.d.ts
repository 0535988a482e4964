import type { Role } from '@/lib/auth/roles';

declare module 'next-auth' {
  interface Session {
    user: { id: string; username: string; name: string; role: Role };
  }
  interface User {
    id: string;
    username: string;
    role: Role;
  }
}

declare module 'next-auth/jwt' {
  interface JWT {
    username?: string;
    role?: Role;
  }
}
