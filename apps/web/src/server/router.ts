import { authRouter, auditRouter, bootstrapRouter, healthRouter, organizationsRouter } from "./routers/account";
import { identitiesRouter } from "./routers/identities";
import { ociAuthRouter } from "./routers/oci-auth";
import { tokensRouter } from "./routers/tokens";
import { createCallerFactory, router } from "./trpc";

export const appRouter = router({
  health: healthRouter,
  bootstrap: bootstrapRouter,
  auth: authRouter,
  organizations: organizationsRouter,
  identities: identitiesRouter,
  ociAuth: ociAuthRouter,
  tokens: tokensRouter,
  audit: auditRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
