/** The versioned config file: schema, migrations and loading. See design/config.md. */
export * from './schema';
export * from './migrate';
export * from './load';
