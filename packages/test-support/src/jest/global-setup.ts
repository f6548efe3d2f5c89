import { startMotoServer, type MotoServer } from '../moto-server';

declare global {
  var __orgmetaMoto: MotoServer | undefined;
}

/** Jest globalSetup: one moto server for a package's whole test run; each test file seeds its own table, bucket and accounts. */
export default async function globalSetup(): Promise<void> {
  const moto = await startMotoServer();
  globalThis.__orgmetaMoto = moto;
  // Workers are started after this and inherit the variable.
  process.env.MOTO_ENDPOINT = moto.endpoint;
}
