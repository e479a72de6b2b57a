import { readFileSync } from 'node:fs';
import { Connection, type ConnectionOptions } from '@temporalio/client';
import { NativeConnection, type NativeConnectionOptions } from '@temporalio/worker';

/**
 * Where the Temporal service is. TEMPORAL_ADDRESS (host:port) selects an existing cluster; without it the
 * CLI uses the embedded dev server. TEMPORAL_NAMESPACE, TEMPORAL_TLS_CERT/KEY/CA (file paths) and
 * TEMPORAL_API_KEY complete a production connection.
 */
export interface ServiceSettings {
  address: string;
  namespace: string;
  tls?: { cert?: Buffer; key?: Buffer; ca?: Buffer };
  apiKey?: string;
  /** True when TEMPORAL_ADDRESS named it (no embedded server is started). */
  external: boolean;
}

export function serviceSettings(env: NodeJS.ProcessEnv = process.env, embeddedPort = 7233): ServiceSettings {
  const read = (v: string | undefined): Buffer | undefined => (v ? readFileSync(v) : undefined);
  const cert = read(env.TEMPORAL_TLS_CERT), key = read(env.TEMPORAL_TLS_KEY), ca = read(env.TEMPORAL_TLS_CA);
  return {
    address: env.TEMPORAL_ADDRESS || `127.0.0.1:${embeddedPort}`,
    namespace: env.TEMPORAL_NAMESPACE || 'default',
    tls: cert || key || ca ? { cert, key, ca } : undefined,
    apiKey: env.TEMPORAL_API_KEY || undefined,
    external: Boolean(env.TEMPORAL_ADDRESS),
  };
}

function tlsOption(s: ServiceSettings): ConnectionOptions['tls'] {
  if (!s.tls) return s.apiKey ? true : undefined;
  return {
    serverRootCACertificate: s.tls.ca,
    clientCertPair: s.tls.cert && s.tls.key ? { crt: s.tls.cert, key: s.tls.key } : undefined,
  };
}

export async function clientConnection(s: ServiceSettings): Promise<Connection> {
  return Connection.connect({ address: s.address, tls: tlsOption(s), apiKey: s.apiKey });
}

export async function workerConnection(s: ServiceSettings): Promise<NativeConnection> {
  return NativeConnection.connect({ address: s.address, tls: tlsOption(s) as NativeConnectionOptions['tls'], apiKey: s.apiKey });
}
