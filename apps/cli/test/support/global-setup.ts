import { startMotoServer, type MotoServer } from '@orgmeta/test-support';

declare global {
  var __orgmetaMoto: MotoServer | undefined;
}

/** One moto server for the whole e2e run; each test file seeds its own table, bucket and accounts. */
export default async function globalSetup(): Promise<void> {
  const moto = await startMotoServer();
  globalThis.__orgmetaMoto = moto;
  // Workers are started after this and inherit the variable.
  process.env.MOTO_ENDPOINT = moto.endpoint;
}
