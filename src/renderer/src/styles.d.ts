/** Stylesheets are imported for their side effect; Vite bundles them into a <link>. */
declare module '*.css';
