// ESLint flat config: typescript-eslint (type-aware) plus Pulumi's rules against
// Outputs in template literals (they render as a warning string, not the value).
import tseslint from "typescript-eslint";
import pulumi from "@pulumi/eslint-plugin";

export default tseslint.config(
  {
    ignores: [
      "node_modules/**",
      ".stryker-tmp/**",
      "reports/**",
      "bin/**",
      "docs/**",
      "**/*.mjs",
      "**/*.js",
      "!components/addons/vault/setup/*.js",
    ],
  },
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { "@pulumi": pulumi },
    rules: {
      "@pulumi/no-output-in-template-literal": "error",
      "@pulumi/no-output-instance-in-template-literal": "error",
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // Components and config use unions, guards or checked accessors instead of `!`.
    files: ["components/**/*.ts", "stacks/**/*.ts"],
    rules: { "@typescript-eslint/no-non-null-assertion": "error" },
  },
  {
    // The Vault setup Jobs' program: plain CommonJS run by node (type-checked through JSDoc).
    files: ["components/addons/vault/setup/*.js"],
    languageOptions: {
      sourceType: "commonjs",
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-require-imports": "off",
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
);
