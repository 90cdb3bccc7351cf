import type { components } from './generated/api';

/** The contract's component schemas by name: the shapes presenters build and services return. */
export type Schemas = components['schemas'];
