import { MockTables } from "./types";

export const azure: MockTables = {
  resources: {},
  calls: {},
};
