/** The shape of one cloud's mock table. */
export interface MockTables {
  /** Resource type token → extra output state computed from the name and inputs. */
  resources: Record<string, (name: string, inputs: Record<string, unknown>) => object>;
  /** Function token → result. */
  calls: Record<string, (inputs: Record<string, unknown>) => Record<string, unknown>>;
}
