/** Per operation, the words that finish "Database error while ...": one label per method of an aggregate. */
export type ActionLabels<Ops> = { readonly [K in keyof Ops]-?: string };
