import { operations } from "./operations";
import { proceduresFor } from "./operations/procedure-for";
import { createCallerFactory, router } from "./trpc";

/** Every operation of the table as a tRPC procedure named `group.name`. */
export const appRouter = router(proceduresFor(operations));

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
