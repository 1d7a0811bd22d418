// Entry point: `npm run platform -- <command> --stack NAME ...` (see --help and the README).

import { runDriver } from "./driver";
import { exitWith, processIO } from "./process-io";

exitWith(runDriver(process.argv.slice(2), processIO()));
