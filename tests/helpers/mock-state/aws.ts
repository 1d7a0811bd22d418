import { MockTables } from "./types";

export const aws: MockTables = {
  resources: {},
  calls: {},
};
