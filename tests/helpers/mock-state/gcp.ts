import { MockTables } from "./types";

export const gcp: MockTables = {
  resources: {},
  calls: {},
};
