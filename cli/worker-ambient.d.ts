// The Worker modules the CLI reuses (rules, schema, config, CSV) mention two workerd globals in
// their types only. Node has neither; for the CLI they are opaque.
type D1Database = unknown;
interface Env {}
