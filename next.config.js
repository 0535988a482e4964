// @ts-check
/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Loaded by the custom server from node_modules, never bundled.
  serverExternalPackages: ['@electric-sql/pglite', 'onnxruntime-node', '@node-rs/argon2', 'pino', 'pino-http'],
  typedRoutes: false,
  // The icon is app/icon.svg (linked from every page); clients that ask for /favicon.ico anyway
  // get the same picture instead of a 404.
  async rewrites() {
    return [{ source: '/favicon.ico', destination: '/icon.svg' }];
  },
  experimental: {
    // proxy.ts sees every request; past this size Next cuts the body it hands on. Model uploads
    // (POST /api/v1/models) may be up to 50 MB (MAX_UPLOAD_BYTES) plus the form's overhead.
    proxyClientMaxBodySize: '51mb',
  },
};

module.exports = nextConfig;
