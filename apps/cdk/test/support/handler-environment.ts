/**
 * What every handler test needs around each test: the handlers' JSON log lines kept off the test
 * output (and available for assertions), and the environment variables a test set removed again,
 * so none leaks into the next. Call it inside a `describe`.
 */
export function isolateHandlerEnvironment(): { readonly stdout: () => jest.SpyInstance } {
  let stdout: jest.SpyInstance | undefined;
  let environmentBefore: NodeJS.ProcessEnv = {};
  beforeEach(() => {
    environmentBefore = { ...process.env };
    stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterEach(() => {
    stdout?.mockRestore();
    for (const name of Object.keys(process.env)) if (!(name in environmentBefore)) delete process.env[name];
    Object.assign(process.env, environmentBefore);
  });
  return {
    stdout: () => {
      if (!stdout) throw new Error('stdout is captured only while a test runs');
      return stdout;
    },
  };
}
