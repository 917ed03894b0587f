export function createSmokeActivities() {
  return {
    async echo(message: string): Promise<string> {
      return `echo: ${message}`;
    },
  };
}
export type SmokeActivities = ReturnType<typeof createSmokeActivities>;
