import { operations } from "../operations";
import { proceduresFor } from "./procedure-for";
import { createCallerFactory, router } from "./init";

/** Every operation of the table as a tRPC procedure named `group.name`. */
export const appRouter = router(proceduresFor(operations));

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
