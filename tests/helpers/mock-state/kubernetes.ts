import { MockTables } from "./types";

export const kubernetes: MockTables = {
  resources: {},
  calls: {},
};
