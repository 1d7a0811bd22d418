/** `npm run docs:rules`: writes docs/security-rules.md from the rule table. */
import * as fs from "fs";
import * as path from "path";
import { SECURITY_RULES_DOC, securityRulesMarkdown } from "./docs";
import { ALL_RULES } from "./index";

const file = path.resolve(__dirname, "..", SECURITY_RULES_DOC);
fs.mkdirSync(path.dirname(file), { recursive: true });
fs.writeFileSync(file, securityRulesMarkdown(ALL_RULES));
console.log(`wrote ${SECURITY_RULES_DOC} (${ALL_RULES.length} rules)`);
