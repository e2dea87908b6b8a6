// The addon's errors come from Node's own realm, not jest's: `instanceof` and toThrow(Class) miss them,
// so they are matched by name (and message).
export function expectError(name: string, fn: () => unknown, message?: RegExp): void {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  expect((thrown as Error | undefined)?.name).toBe(name);
  if (message !== undefined) expect((thrown as Error).message).toMatch(message);
}
