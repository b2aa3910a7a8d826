export { startTestServer } from "./test-server";
