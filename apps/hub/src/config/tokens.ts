/** Injection tokens for values (not classes). */
export const HUB_CONFIG = Symbol('HUB_CONFIG');
export const HUB_LOGGER = Symbol('HUB_LOGGER');
export const CLOCK = Symbol('CLOCK');

/** Milliseconds since the epoch; injected so the registry's time rules can be tested. */
export type Clock = () => number;
