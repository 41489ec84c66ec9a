/** A fixture process closes its server gracefully on SIGTERM, then exits (1 if closing failed). */
export function closeOnSigterm(server: { close(): Promise<void> }): void {
  process.once("SIGTERM", () => {
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
