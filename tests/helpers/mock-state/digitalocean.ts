import { MockTables } from "./types";

export const digitalocean: MockTables = {
  resources: {},
  calls: {},
};
