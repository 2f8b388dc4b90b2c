// The agent <-> hub contract: wire messages and their validation, limits, and the metric
// families (names, labels, buckets) that the agent, the hub, the dashboard and the alert
// rules share. Pure: no I/O, no frameworks.
export * from './wire';
export * from './label-values';
export * from './metric-families';
export * from './series-budget';
export * from './limits';
export * from './messages';
export * from './snapshot-check';
export * from './close-reasons';
export * from './exposition';
