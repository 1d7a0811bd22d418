import { MockTables } from "./types";

export const random: MockTables = {
  resources: {},
  calls: {},
};
