/** The provider URN of a provider reference ("<urn>::<id>"); "" for the default provider. */
export function providerUrnOf(ref: string): string {
  return ref ? ref.split("::").slice(0, -1).join("::") : "";
}
