// @ts-check
/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Loaded by the custom server from node_modules, never bundled.
  serverExternalPackages: ['@electric-sql/pglite', 'onnxruntime-node', '@node-rs/argon2', 'pino', 'pino-http'],
  typedRoutes: false,
};

module.exports = nextConfig;
