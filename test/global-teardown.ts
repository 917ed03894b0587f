export default async function globalTeardown(): Promise<void> {
  // Nothing is left running: every test closes its own clients and workers.
}
