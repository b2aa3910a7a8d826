import type { Server } from "node:net";

/** Why a server could not listen, said in terms of the variables that choose where (PORT, HOST). */
export function describeListenError(error: NodeJS.ErrnoException, port: number, hostname: string, portVariable = "PORT"): string {
  switch (error.code) {
    case "EADDRINUSE":
      return `Port ${port} is already in use: set ${portVariable} to a free port`;
    case "EACCES":
      return `Port ${port} needs privileges this process does not have: set ${portVariable} to a port above 1023`;
    case "EADDRNOTAVAIL":
      return `HOST ${hostname} is not an address of this machine: set HOST to one of its addresses (or 0.0.0.0 for all)`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `HOST ${hostname} could not be resolved: set HOST to an IP address or a known host name`;
    default:
      return `Could not listen on ${hostname}:${port}: ${error.message}`;
  }
}

/** server.listen as a promise that rejects with a clear message instead of an unhandled 'error' event. */
export function listen(server: Server, port: number, hostname: string, portVariable = "PORT"): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => reject(new Error(describeListenError(error, port, hostname, portVariable)));
    server.once("error", onError);
    server.listen(port, hostname, () => {
      server.off("error", onError);
      resolve();
    });
  });
}
