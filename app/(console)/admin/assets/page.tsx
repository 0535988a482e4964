import type { Metadata } from 'next';
import { AssetsAdmin } from '@/components/admin/assets-admin';
import { assetView } from '@/lib/assets/api';
import { currentUser } from '@/lib/auth/session';
import { getServices } from '@/lib/services';
import { userTimeZone } from '@/lib/time/user-time-zone';

export const metadata: Metadata = { title: 'Admin · Assets' };

export default async function AdminAssetsPage() {
  // Checked here too, not only in the layout (see admin/users/page.tsx).
  const user = await currentUser();
  if (user?.role !== 'admin') return null;
  const { assets: registry, twin, config } = getServices();
  const assets = (await registry.listAll()).map((a) => assetView(a));
  return (
    <AssetsAdmin
      initialAssets={assets}
      features={twin.catalog().signals}
      sparkplugGroups={config.MQTT_URL ? config.SPARKPLUG_GROUPS : []}
      timeZone={await userTimeZone()}
    />
  );
}
