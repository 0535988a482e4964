import { apiRoute } from '@/lib/api/route';
import { getServices } from '@/lib/services';

export const dynamic = 'force-dynamic';

/**
 * The plant connection for admins: the MQTT connection's state, per asset the last refused
 * message (when, source, reason, topic) and the last accepted one, Sparkplug devices online or
 * offline, and the latest refusals (also those of unknown assets).
 */
export const GET = apiRoute({ role: 'admin' }, async () => {
  const status = getServices().ingestStatus;
  return Response.json(
    status?.report() ?? {
      mqtt: {
        enabled: false,
        connected: false,
        lastConnectedAt: null,
        lastError: null,
        reconnects: 0,
        subscriptions: [],
      },
      assets: [],
      recentRejections: [],
    },
  );
});
